import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DataSource, EntityManager } from 'typeorm';
import { Severity } from '@palisade/contracts';
import { PalisadeError } from '@palisade/errors';
import { DATA_SOURCE } from '@palisade/platform';
import { UPSTREAM_SETTINGS, parseUpstreamKeys, sameKeySet, type UpstreamKey, type UpstreamSettings } from '@palisade/upstream';
import { upstreamStore } from '../store/upstream-store';
import { raiseSecurityAlert } from './security-alert';
import { UpstreamConnection } from './upstream-connection';

/** How often a signature by an unknown key may make us look at the upstream's keys again. */
const KEY_RECHECK_MS = 60_000;

function fingerprintOf(keys: readonly UpstreamKey[] | null): string {
  const canonical = keys === null ? 'none' : keys.map((k) => `${k.keyid} ${k.key} ${k.expires ?? ''}`).sort().join('\n');
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Which upstream keys are trusted: the pinned ones (PALISADE_UPSTREAM_KEYS), else the set the
 * upstream served the first time it was asked (stored; "no keys" is remembered too). A different
 * set seen later is recorded and alerted once, and never trusted until an operator pins it.
 */
@Injectable()
export class UpstreamTrust {
  readonly #pinned?: UpstreamKey[];
  #lastRecheck = 0;

  constructor(
    @Inject(UPSTREAM_SETTINGS) settings: UpstreamSettings,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly upstream: UpstreamConnection,
  ) {
    if (settings.pinnedKeysFile) this.#pinned = readPinnedKeys(settings.pinnedKeysFile);
  }

  /** Trusted keys; null when the upstream publishes none. May ask the upstream the first time. */
  async keys(): Promise<UpstreamKey[] | null> {
    if (this.#pinned) return this.#pinned;
    const stored = await upstreamStore.trustedKeys(this.dataSource.manager);
    if (stored !== undefined) return stored;
    const fetched = await this.upstream.client().keys();
    await this.dataSource.transaction((tx) => upstreamStore.trustFirstKeys(tx, fetched));
    return (await upstreamStore.trustedKeys(this.dataSource.manager)) ?? null;
  }

  /**
   * After a signature by a key we do not trust: fetches the upstream's keys (at most once a
   * minute) and, when they differ from the trusted set, records the change and queues the alert in
   * `tx`. Returns the new keys for the refusal message; they are not trusted.
   */
  async noticeKeyChange(tx: EntityManager, trusted: UpstreamKey[] | null): Promise<UpstreamKey[] | null | undefined> {
    if (Date.now() - this.#lastRecheck < KEY_RECHECK_MS) return undefined;
    this.#lastRecheck = Date.now();
    const current = await this.upstream.client().keys();
    if (sameKeySet(current ?? [], trusted ?? [])) return undefined;
    const fingerprint = fingerprintOf(current);
    if (await upstreamStore.recordKeyChange(tx, fingerprint, current)) {
      await raiseSecurityAlert(tx, `keys:${fingerprint}`, {
        severity: Severity.HIGH,
        kind: 'upstream-keys-changed',
        summary: `the upstream now lists other signing keys (${(current ?? []).map((k) => k.keyid).join(', ') || 'none'}); versions they sign are refused until the keys are pinned`,
        name: '',
        details: { trusted: (trusted ?? []).map((k) => k.keyid).join(',') || 'none', served: (current ?? []).map((k) => k.keyid).join(',') || 'none' },
      });
    }
    return current;
  }
}

function readPinnedKeys(path: string): UpstreamKey[] {
  try {
    return parseUpstreamKeys(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e: unknown) {
    throw new PalisadeError('UPSTREAM_KEYS_UNREADABLE', `PALISADE_UPSTREAM_KEYS (${path}) is not a readable keys document: ${(e as Error).message}`, { cause: e });
  }
}

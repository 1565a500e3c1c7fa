import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '@palisade/config';
import { addToOutbox } from '@palisade/messaging';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { SigningError } from '../signing-error';
import { KeyRingStore, type KeyChangeKind } from '../store/key-ring-store';
import { KEY_PROVIDER, type KeyProvider } from './key-provider';
import { activeKey, activeOf, revoke, rotate, type RegistryKeyState } from './key-ring';
import { keysChangedEvent } from './keys-changed-event';

/**
 * Serialises key-ring changes against each other and against signing: signing holds the lock
 * shared, a rotation exclusively, so no signature is made with a key after it was retired.
 */
const KEY_RING_LOCK = `hashtext('palisade.signing.key-ring')`;
const PROBE = Buffer.from('palisade key probe');

/** The registry key ring: the first key at start, rotation, revocation, and the active key for signing. */
@Injectable()
export class KeyRingService implements OnModuleInit {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(KEY_PROVIDER) private readonly provider: KeyProvider,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Creates the first key when there is none, and proves the active key opens (the KEK is the right one). */
  async onModuleInit(): Promise<void> {
    const created = await this.change('created', 'service:signing', async (keys) => {
      if (keys.length > 0) return null;
      const key = await this.provider.createKey();
      return { keyid: key.keyid, keys: [activeKey(key.keyid, key.publicKey.toString('base64'), new Date())] };
    });
    const active = activeOf(await this.keys());
    if (!active) throw new SigningError('SIGNING_NO_ACTIVE_KEY', 'the key ring has no active key');
    await this.provider.sign(active.keyid, PROBE);
    this.logger.info({ keyid: active.keyid, created: created !== null }, 'registry signing key ready');
  }

  async keys(): Promise<RegistryKeyState[]> {
    return new KeyRingStore(this.dataSource.manager).keys();
  }

  /** A new key becomes active; the previous one is retired with `expires`, and stays listed. */
  async rotate(actor: string): Promise<RegistryKeyState[]> {
    const result = await this.change('rotated', actor, async (keys, store) => {
      const current = activeOf(keys);
      const key = await this.provider.createKey();
      const at = new Date();
      const lastPublished = current ? await store.lastSignedPublishTime(current.keyid) : null;
      return { keyid: key.keyid, keys: rotate(keys, activeKey(key.keyid, key.publicKey.toString('base64'), at), at, lastPublished) };
    });
    this.logger.info({ keyid: result?.keyid, actor }, 'registry key rotated');
    return result?.keys ?? this.keys();
  }

  /** The key stays listed, with an `expires` no signature can meet. Revoking twice changes nothing. */
  async revoke(keyid: string, actor: string): Promise<RegistryKeyState[]> {
    const result = await this.change('revoked', actor, async (keys) => {
      const next = revoke(keys, keyid, new Date());
      return next ? { keyid, keys: next } : null;
    });
    if (result) this.logger.warn({ keyid, actor }, 'registry key revoked');
    return result?.keys ?? this.keys();
  }

  /** Runs `sign` with the active key while no rotation can retire it. */
  async withActiveKey<T>(tx: EntityManager, sign: (key: RegistryKeyState) => Promise<T>): Promise<T> {
    await tx.query(`SELECT pg_advisory_xact_lock_shared(${KEY_RING_LOCK})`);
    const active = activeOf(await new KeyRingStore(tx).keys());
    if (!active) throw new SigningError('SIGNING_NO_ACTIVE_KEY', 'the key ring has no active key');
    return sign(active);
  }

  private async change(
    kind: KeyChangeKind,
    actor: string,
    plan: (keys: RegistryKeyState[], store: KeyRingStore) => Promise<{ keyid: string; keys: RegistryKeyState[] } | null>,
  ): Promise<{ keyid: string; keys: RegistryKeyState[] } | null> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${KEY_RING_LOCK})`);
      const store = new KeyRingStore(tx);
      const result = await plan(await store.keys(), store);
      if (!result) return null;
      await store.save(result.keys, this.provider.name);
      const at = new Date();
      const sequence = await store.recordChange(kind, result.keyid, at, actor);
      await addToOutbox(tx, keysChangedEvent(sequence, kind, result.keyid, result.keys, at));
      return result;
    });
  }
}

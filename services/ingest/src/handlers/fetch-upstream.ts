import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '@palisade/config';
import { Events, Severity, VersionSource, encodeMessage, timestampFromDate, type FetchReplySchema, type FetchRequest, type VersionIngestedSchema } from '@palisade/contracts';
import { isPalisadeError, isRetryable } from '@palisade/errors';
import { addAllToOutbox, addToOutbox } from '@palisade/messaging';
import { validatePackageName } from '@palisade/npm-tarball';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { integrityToKey } from '@palisade/storage';
import { SingleFlight, checkUpstreamSignature, isInternalName, type PackumentResponse, type UpstreamKey } from '@palisade/upstream';
import { IngestRejected, IngestRejectionCode, acceptedOrRejected } from '../domain/ingest-rejection';
import { parseUpstreamPackument, type UpstreamPackument, type UpstreamVersion } from '../domain/upstream-packument';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.config';
import { upstreamBacklog, type BacklogEntry } from '../store/upstream-backlog';
import { upstreamStore, type UpstreamVersionRow } from '../store/upstream-store';
import { versionStore } from '../store/version-store';
import { raiseSecurityAlert } from './security-alert';
import { UpstreamConnection } from './upstream-connection';
import { UpstreamTrust } from './upstream-trust';

type FetchReplyInit = MessageInitShape<typeof FetchReplySchema>;

/** Most manifest bytes one `version.listed` event carries (the bus refuses messages over 1 MiB). */
const LISTED_EVENT_BYTES = 256 * 1024;

interface Verified {
  upstream: UpstreamVersion;
  verification: 'signature' | 'integrity-only';
  keyid?: string;
}

interface Judged {
  verified: Verified[];
  refused: Array<{ upstream: UpstreamVersion; reason: string }>;
}

/**
 * `registry.cmd.ingest.fetch`: reads a package through from the upstream. Each listed version is
 * checked (valid, sha512 integrity, upstream signature by a trusted key where the upstream signs)
 * and new ones are recorded and listed (`version.listed`, with the upstream's dist-tags). Each waits
 * in the backlog with its `version.ingested` event until a client asks for it (`judge`: its bytes in
 * a view that judges on demand, or what a dist-tag names in a view that needs a verdict first) or
 * the background queue reaches it (tagged versions first): a cold install's pipeline judges what it
 * installs, not every package's `latest` besides, and one large package never queues it for minutes.
 * Bytes come later, on first request. Recorded versions whose upstream integrity changed, or that the
 * upstream no longer lists, are flagged and alerted, never changed: what was recorded stays served.
 */
@Injectable()
export class FetchUpstream {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly upstream: UpstreamConnection,
    private readonly trust: UpstreamTrust,
  ) {}

  /**
   * Fetches of one name that overlap share one upstream request: gateways single-flight per
   * replica, but several replicas (or a client's retry after a slow answer) reach this at once,
   * and a second request made before the first one's etag is stored would download it again.
   */
  readonly #flights = new SingleFlight<FetchReplyInit>();

  run(request: FetchRequest): Promise<FetchReplyInit> {
    return this.#flights.run(request.name, () =>
      acceptedOrRejected(
        () => this.#fetch(request.name),
        (e) => this.logger.info({ name: request.name, code: e.code, problems: e.problems }, `upstream fetch refused: ${e.message}`),
      ),
    );
  }

  async #fetch(name: string) {
    const problems = validatePackageName(name, 'existing');
    if (problems.length > 0) throw new IngestRejected(IngestRejectionCode.InvalidName, `"${name}" is not a valid package name`, problems);
    const settings = this.upstream.settings;
    if (isInternalName(name, settings.internalScopes)) {
      throw new IngestRejected(IngestRejectionCode.InternalScope, `${name} is in an internal scope (${settings.internalScopes.join(', ')}); it is never resolved upstream`);
    }
    if (!this.upstream.configured || settings.offline) {
      throw new IngestRejected(IngestRejectionCode.UpstreamDisabled, settings.offline ? 'the upstream is switched off (offline mode)' : 'no upstream is configured');
    }
    if (await upstreamStore.hasPublishedVersions(this.dataSource.manager, name)) {
      throw new IngestRejected(IngestRejectionCode.NameIsInternal, `${name} is published here; the upstream package of that name is never mixed in`);
    }
    const state = await upstreamStore.packageState(this.dataSource.manager, name);
    const response = await this.#ask(() => this.upstream.client().packument(name, state?.etag ?? undefined));
    let newlyRecorded = new Set<string>();
    if (response.kind === 'not-modified') {
      await this.dataSource.transaction((tx) => upstreamStore.touchPackage(tx, name));
    } else if (response.kind === 'not-found') {
      await this.#gone(name);
    } else {
      newlyRecorded = await this.#apply(name, response);
    }
    const recorded = await upstreamStore.versions(this.dataSource.manager, name);
    if (recorded.length === 0 && response.kind === 'not-found') throw new IngestRejected(IngestRejectionCode.UpstreamNotFound, `${name} is not in the upstream registry`);
    return {
      name,
      upstream: settings.url ?? '',
      versions: recorded.filter((v) => v.state === 'live').map((v) => ({ version: v.version, integrity: v.integrity, newlyRecorded: newlyRecorded.has(v.version) })),
    };
  }

  async #ask<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e: unknown) {
      if (isPalisadeError(e) && isRetryable(e)) throw new IngestRejected(IngestRejectionCode.UpstreamUnavailable, e.message, [], true);
      if (isPalisadeError(e)) throw new IngestRejected(IngestRejectionCode.UpstreamInvalid, e.message);
      throw e;
    }
  }

  /** Applies a fresh packument; answers the versions recorded by it. */
  async #apply(name: string, response: Extract<PackumentResponse, { kind: 'ok' }>): Promise<Set<string>> {
    let packument: UpstreamPackument;
    try {
      packument = parseUpstreamPackument(name, response.body, this.settings.maxManifestBytes);
    } catch (e: unknown) {
      throw new IngestRejected(IngestRejectionCode.UpstreamInvalid, (e as Error).message);
    }
    if (packument.skipped.length > 0) this.logger.warn({ name, skipped: packument.skipped }, 'upstream versions left out');
    const keys = await this.#ask(() => this.trust.keys());
    const judged = this.#judge(name, packument.versions, keys);
    const recordedNow = new Set<string>();
    await this.dataSource.transaction(async (tx) => {
      await versionStore.lockPackage(tx, name);
      if (judged.refused.some((r) => r.reason.startsWith('signed by a key'))) await this.#ask(() => this.trust.noticeKeyChange(tx, keys));
      const recorded = new Map((await upstreamStore.versions(tx, name)).map((v) => [v.version, v]));
      const rows: UpstreamVersionRow[] = [];
      const fresh: Array<MessageInitShape<typeof VersionIngestedSchema>> = [];
      const tagged = new Set(Object.values(packument.distTags));
      const deferred: BacklogEntry[] = [];
      for (const v of judged.verified) {
        const known = recorded.get(v.upstream.version);
        if (!known) {
          const { row, event } = this.#recorded(name, v, packument.latest === v.upstream.version);
          rows.push(row);
          fresh.push(event);
          // Judged when a client asks for it, or in the background (what a dist-tag names first).
          const data = encodeMessage(Events.versionIngested.schema, event);
          deferred.push({ name, version: v.upstream.version, publishedAt: row.publishedAt, tagged: tagged.has(v.upstream.version), event: data });
          recordedNow.add(v.upstream.version);
        }
        else if (known.integrity !== v.upstream.integrity) await this.#tampered(tx, name, known.version, known.integrity, v.upstream.integrity);
      }
      await upstreamStore.insertVersions(tx, rows);
      await upstreamBacklog.add(tx, deferred);
      await this.#list(tx, name, fresh, packument.distTags);
      for (const { upstream, reason } of judged.refused) {
        const known = recorded.get(upstream.version);
        if (known && known.integrity !== upstream.integrity) await this.#tampered(tx, name, known.version, known.integrity, upstream.integrity);
        else if (!known) await this.#refused(tx, name, upstream, reason);
      }
      const listed = new Set(packument.listed);
      await upstreamStore.clearRemoved(tx, name, packument.listed);
      for (const v of recorded.values()) if (!listed.has(v.version)) await this.#removed(tx, name, v.version, v.integrity, false);
      await upstreamStore.savePackageState(tx, name, { etag: response.etag ?? null, goneAt: null });
    });
    return recordedNow;
  }

  #judge(name: string, versions: readonly UpstreamVersion[], keys: UpstreamKey[] | null): Judged {
    const judged: Judged = { verified: [], refused: [] };
    for (const upstream of versions) {
      const check = checkUpstreamSignature(keys ?? [], { name, version: upstream.version, integrity: upstream.integrity, ...(upstream.publishedAt ? { publishedAt: upstream.publishedAt } : {}) }, upstream.signatures);
      switch (check.outcome) {
        case 'verified':
          judged.verified.push({ upstream, verification: 'signature', keyid: check.keyid });
          break;
        case 'unsigned':
          if (this.upstream.settings.signatures === 'required') judged.refused.push({ upstream, reason: 'the upstream serves no signature for it (PALISADE_UPSTREAM_SIGNATURES=required)' });
          else judged.verified.push({ upstream, verification: 'integrity-only' });
          break;
        case 'unknown-key':
          judged.refused.push({ upstream, reason: `signed by a key Palisade does not trust (${check.keyids.join(', ')})` });
          break;
        case 'invalid':
          judged.refused.push({ upstream, reason: `its upstream signature is invalid: ${check.reason} (key ${check.keyid})` });
          break;
      }
    }
    return judged;
  }

  /** A verified upstream version as recorded, and the `version.ingested` event that will hand it to the pipeline. */
  #recorded(name: string, v: Verified, isLatest: boolean): { row: UpstreamVersionRow; event: MessageInitShape<typeof VersionIngestedSchema> } {
    const { upstream } = v;
    const now = new Date();
    // No publish time upstream: counting from now keeps cooldowns safe.
    const publishedAt = upstream.publishedAt ?? now;
    const distTag = isLatest ? 'latest' : '';
    const row: UpstreamVersionRow = {
      name,
      version: upstream.version,
      integrity: upstream.integrity,
      shasum: upstream.shasum,
      blobKey: integrityToKey(upstream.integrity),
      manifest: upstream.manifest,
      distTag,
      publishedAt,
      ingestedAt: now,
      verification: v.verification,
      ...(v.keyid ? { upstreamKeyid: v.keyid } : {}),
      tarballUrl: upstream.tarballUrl,
    };
    const event = {
      name,
      version: upstream.version,
      tarball: { key: '', integrity: upstream.integrity, size: 0 },
      source: VersionSource.UPSTREAM,
      manifestJson: JSON.stringify(upstream.manifest),
      distTag,
      upstreamSignatures: v.verification === 'signature' ? upstream.signatures.filter((s) => s.keyid === v.keyid) : [],
      upstream: this.upstream.settings.url ?? '',
      publishedAt: timestampFromDate(publishedAt),
      ingestedAt: timestampFromDate(now),
    };
    return { row, event };
  }

  /**
   * `version.listed`: the versions just recorded, with every upstream dist-tag, so that views which
   * need no verdict before listing show the whole package at once. Split so that no event nears the
   * bus's message size limit; sent on every fresh packument, as the tags may have moved.
   */
  async #list(tx: EntityManager, name: string, versions: ReadonlyArray<MessageInitShape<typeof VersionIngestedSchema>>, distTags: Record<string, string>): Promise<void> {
    const listedAt = timestampFromDate(new Date());
    const upstream = this.upstream.settings.url ?? '';
    const chunks: Array<typeof versions> = [];
    let chunk: typeof versions[number][] = [];
    let bytes = 0;
    for (const v of versions) {
      const size = (v.manifestJson ?? '').length + 512;
      if (chunk.length > 0 && bytes + size > LISTED_EVENT_BYTES) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(v);
      bytes += size;
    }
    chunks.push(chunk);
    const listedId = `${name}:${listedAt.seconds}.${listedAt.nanos}`;
    await addAllToOutbox(
      tx,
      chunks.map((part, index) => ({
        id: `ingest.versions-listed:${listedId}:${index}`,
        subject: Events.versionsListed.subject,
        schema: Events.versionsListed.schema.typeName,
        data: encodeMessage(Events.versionsListed.schema, { name, versions: [...part], distTags: index === 0 ? distTags : {}, upstream, listedAt, part: index, parts: chunks.length }),
      })),
    );
  }

  async #tampered(tx: EntityManager, name: string, version: string, integrity: string, upstreamIntegrity: string): Promise<void> {
    if (!(await upstreamStore.markTampered(tx, name, version, upstreamIntegrity))) return;
    this.logger.warn({ name, version, integrity, upstreamIntegrity }, 'the upstream reports other bytes for a recorded version');
    const id = `${name}@${version}:${upstreamIntegrity}`;
    await addToOutbox(tx, {
      id: `ingest.version-tampered:${id}`,
      subject: Events.versionTampered.subject,
      schema: Events.versionTampered.schema.typeName,
      data: encodeMessage(Events.versionTampered.schema, {
        name,
        version,
        integrity,
        upstreamIntegrity,
        upstream: this.upstream.settings.url ?? '',
        detectedAt: timestampFromDate(new Date()),
      }),
    });
    await raiseSecurityAlert(tx, id, {
      severity: Severity.CRITICAL,
      kind: 'tamper',
      summary: `the upstream now serves other bytes for ${name}@${version}; Palisade keeps serving the bytes it recorded`,
      name,
      version,
      details: { recorded_integrity: integrity, upstream_integrity: upstreamIntegrity },
    });
  }

  async #removed(tx: EntityManager, name: string, version: string, integrity: string, packageRemoved: boolean): Promise<void> {
    if (!(await upstreamStore.markRemoved(tx, name, version))) return;
    this.logger.warn({ name, version }, 'the upstream no longer lists a recorded version');
    const detectedAt = new Date();
    const id = `${name}@${version}:${detectedAt.toISOString()}`;
    await addToOutbox(tx, {
      id: `ingest.version-upstream-removed:${id}`,
      subject: Events.versionUpstreamRemoved.subject,
      schema: Events.versionUpstreamRemoved.schema.typeName,
      data: encodeMessage(Events.versionUpstreamRemoved.schema, {
        name,
        version,
        integrity,
        upstream: this.upstream.settings.url ?? '',
        packageRemoved,
        detectedAt: timestampFromDate(detectedAt),
      }),
    });
    await raiseSecurityAlert(tx, id, {
      severity: Severity.HIGH,
      kind: 'upstream-removed',
      summary: `the upstream removed ${packageRemoved ? 'the whole package' : 'version'} ${name}@${version}, which Palisade has cached (registries remove malware this way); handed to recall`,
      name,
      version,
      details: { integrity, package_removed: String(packageRemoved) },
    });
  }

  async #refused(tx: EntityManager, name: string, upstream: UpstreamVersion, reason: string): Promise<void> {
    if (!(await upstreamStore.recordRefusal(tx, name, upstream.version, upstream.integrity, reason))) return;
    this.logger.warn({ name, version: upstream.version, reason }, 'upstream version refused');
    if (reason.startsWith('the upstream serves no signature')) return; // policy, not an attack
    await raiseSecurityAlert(tx, `${name}@${upstream.version}:${upstream.integrity}`, {
      severity: Severity.HIGH,
      kind: 'upstream-signature-invalid',
      summary: `${name}@${upstream.version} from the upstream was refused: ${reason}`,
      name,
      version: upstream.version,
      details: { upstream_integrity: upstream.integrity },
    });
  }

  async #gone(name: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await versionStore.lockPackage(tx, name);
      const recorded = await upstreamStore.versions(tx, name);
      for (const v of recorded) await this.#removed(tx, name, v.version, v.integrity, true);
      if (recorded.length > 0) await upstreamStore.savePackageState(tx, name, { etag: null, goneAt: new Date() });
    });
  }
}

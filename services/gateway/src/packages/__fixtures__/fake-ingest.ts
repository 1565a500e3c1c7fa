import { randomUUID } from 'node:crypto';
import { Commands, Events, VersionSource, decodeMessage, encodeMessage, timestampNow, type PublishRequest } from '@palisade/contracts';
import type { MessageBus, Subscription } from '@palisade/messaging';
import type { BlobStore } from '@palisade/storage';

/**
 * Stands in for the ingest and promotion services on the bus: answers publish and unpublish
 * commands like ingest would (refusing a known version, or a manifest flagged `"unsafe": true`),
 * emits `version.ingested`, and admits each published version to the views in `admitTo`.
 */
export class FakeIngest {
  readonly requests: PublishRequest[] = [];
  private readonly live = new Map<string, Map<string, string>>();
  private readonly recorded = new Set<string>();
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly blobs: BlobStore,
    private readonly admitTo: readonly string[] = ['dev'],
  ) {}

  async start(): Promise<this> {
    this.subscriptions = [
      await this.bus.serve(Commands.ingestPublish.subject, (request) => this.publish(decodeMessage(Commands.ingestPublish.request, request.data))),
      await this.bus.serve(Commands.ingestUnpublish.subject, (request) => this.unpublish(decodeMessage(Commands.ingestUnpublish.request, request.data))),
    ];
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.stop()));
  }

  /** Admits a recorded version to a view, as promotion would. */
  async promote(name: string, version: string, view: string, id = randomUUID()): Promise<void> {
    const integrity = this.live.get(name)?.get(version) ?? '';
    await this.bus.publish({
      id,
      subject: Events.versionPromoted.subject,
      schema: Events.versionPromoted.schema.typeName,
      data: encodeMessage(Events.versionPromoted.schema, { name, version, integrity, view, promotedAt: timestampNow() }),
    });
  }

  private async publish(request: PublishRequest): Promise<Uint8Array> {
    this.requests.push(request);
    const reject = (code: string, message: string, problems: string[] = []) =>
      encodeMessage(Commands.ingestPublish.reply, { outcome: { case: 'rejected', value: { code, message, problems } } });
    const id = `${request.name}@${request.version}`;
    if (this.recorded.has(id)) return reject('INGEST_VERSION_EXISTS', `${id} exists`);
    if (!request.tarball || !(await this.blobs.has(request.tarball.key))) return reject('INGEST_TARBALL_MISSING', 'the tarball is not in the blob store');
    const manifest = JSON.parse(request.manifestJson) as Record<string, unknown>;
    if (manifest.unsafe === true) return reject('INGEST_TARBALL_UNSAFE', 'the tarball is unsafe', ['the tarball contains a path outside the package: ../evil']);
    this.recorded.add(id);
    const versions = this.live.get(request.name) ?? new Map<string, string>();
    const newPackage = versions.size === 0;
    versions.set(request.version, request.tarball.integrity);
    this.live.set(request.name, versions);
    await this.bus.publish({
      id: randomUUID(),
      subject: Events.versionIngested.subject,
      schema: Events.versionIngested.schema.typeName,
      data: encodeMessage(Events.versionIngested.schema, {
        name: request.name,
        version: request.version,
        tarball: request.tarball,
        source: VersionSource.PUBLISHED,
        manifestJson: request.manifestJson,
        distTag: request.distTag,
        publisher: request.publisher,
        provenanceBundle: request.provenanceBundle,
        publishedAt: timestampNow(),
        ingestedAt: timestampNow(),
      }),
    });
    for (const view of this.admitTo) await this.promote(request.name, request.version, view);
    return encodeMessage(Commands.ingestPublish.reply, {
      outcome: { case: 'accepted', value: { name: request.name, version: request.version, integrity: request.tarball.integrity, newPackage } },
    });
  }

  private async unpublish(request: { name: string; versions: string[] }): Promise<Uint8Array> {
    const versions = this.live.get(request.name);
    const targets = request.versions.length > 0 ? request.versions : [...(versions?.keys() ?? [])];
    if (!versions || targets.some((v) => !versions.has(v))) {
      return encodeMessage(Commands.ingestUnpublish.reply, { outcome: { case: 'rejected', value: { code: 'INGEST_VERSION_NOT_FOUND', message: 'no such version' } } });
    }
    for (const version of targets) {
      const integrity = versions.get(version) ?? '';
      versions.delete(version);
      await this.bus.publish({
        id: randomUUID(),
        subject: Events.versionUnpublished.subject,
        schema: Events.versionUnpublished.schema.typeName,
        data: encodeMessage(Events.versionUnpublished.schema, { name: request.name, version, integrity, unpublishedAt: timestampNow() }),
      });
    }
    return encodeMessage(Commands.ingestUnpublish.reply, { outcome: { case: 'accepted', value: { name: request.name, versions: targets } } });
  }
}

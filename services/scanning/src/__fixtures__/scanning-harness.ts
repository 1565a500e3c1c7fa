import { Writable } from 'node:stream';
import { AlertEvent, Events, VersionSource, decodeMessage, encodeMessage, timestampNow, type AlertCloudEvent, type VersionScanned } from '@palisade/contracts';
import { EmbeddedBus, type DeliveredMessage } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { FileSystemBlobStore, type BlobRef } from '@palisade/storage';
import { createTestDatabase, freePort, packTarball, tempDir } from '@palisade/testing';
import { scanningService } from '../scanning.service';

export const ADMIN_TOKEN = 'scanning-admin-token-for-tests';

/** The scanning service on the embedded bus, in a database of its own, with the events it emits collected. */
export interface ScanningHarness {
  service: RunningService;
  bus: EmbeddedBus;
  blobs: FileSystemBlobStore;
  scanned: VersionScanned[];
  /** Alerts as a subscriber reads them: the subject and the parsed CloudEvent. */
  alerts: Array<{ subject: string; event: AlertCloudEvent }>;
  storeTarball(manifest: Record<string, unknown>): Promise<BlobRef>;
  ingested(id: string, event: { name: string; version: string; source: VersionSource; tarball: BlobRef | { key: ''; integrity: string; size: number }; manifest?: Record<string, unknown> }): Promise<void>;
  tarballCached(id: string, event: { name: string; version: string; tarball: BlobRef }): Promise<void>;
  admin(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startScanning(env: Readonly<Record<string, string>> = {}): Promise<ScanningHarness> {
  const url = await createTestDatabase('scanning');
  const bus = await EmbeddedBus.open({ url, pollIntervalMs: 20 });
  const blobs = new FileSystemBlobStore({ root: await tempDir('scanning-blobs-') });
  const service = await startService(scanningService, {
    bus,
    blobStore: blobs,
    telemetry: false,
    logDestination: new Writable({ write: (_c, _e, done) => done() }),
    env: { PALISADE_DATABASE_URL: url, PALISADE_SCANNING_PORT: String(await freePort()), PALISADE_LOG_LEVEL: 'warn', PALISADE_SCANNING_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
  });
  const scanned: VersionScanned[] = [];
  const alerts: Array<{ subject: string; event: AlertCloudEvent }> = [];
  const tuning = { maxDeliver: 3, backoffMs: [50], ackWaitMs: 5_000 };
  await bus.consume({ durable: 'test-scanned', stream: 'REGISTRY', filterSubject: Events.versionScanned.subject, ...tuning }, async (m: DeliveredMessage) => {
    scanned.push(decodeMessage(Events.versionScanned.schema, m.data));
  });
  await bus.consume({ durable: 'test-alerts', stream: 'ALERTS', filterSubject: AlertEvent.subjectFilter, ...tuning }, async (m: DeliveredMessage) => {
    alerts.push({ subject: m.subject, event: AlertEvent.parse(m.data) });
  });

  return {
    service,
    bus,
    blobs,
    scanned,
    alerts,
    storeTarball: async (manifest) => blobs.put(await packTarball(manifest)),
    async ingested(id, event) {
      await bus.publish({
        id,
        subject: Events.versionIngested.subject,
        schema: Events.versionIngested.schema.typeName,
        data: encodeMessage(Events.versionIngested.schema, {
          name: event.name,
          version: event.version,
          source: event.source,
          tarball: { key: event.tarball.key, integrity: event.tarball.integrity, size: event.tarball.size },
          manifestJson: JSON.stringify(event.manifest ?? { name: event.name, version: event.version }),
          ingestedAt: timestampNow(),
        }),
      });
    },
    async tarballCached(id, event) {
      await bus.publish({
        id,
        subject: Events.versionTarballCached.subject,
        schema: Events.versionTarballCached.schema.typeName,
        data: encodeMessage(Events.versionTarballCached.schema, { name: event.name, version: event.version, tarball: event.tarball, upstream: 'fixture', cachedAt: timestampNow() }),
      });
    },
    async admin(method, path, body) {
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async stop() {
      await service.stop();
      await bus.close();
    },
  };
}

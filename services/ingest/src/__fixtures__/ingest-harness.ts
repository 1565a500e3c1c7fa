import { Writable } from 'node:stream';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  AlertEvent,
  Commands,
  decodeMessage,
  encodeMessage,
  contractRegistry,
  type CacheTarballReply,
  type FetchReply,
  type JudgeReply,
  type PublishReply,
  type PublishRequestSchema,
  type UnpublishReply,
  type UnpublishRequestSchema,
} from '@palisade/contracts';
import { EmbeddedBus } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { FileSystemBlobStore, type BlobRef } from '@palisade/storage';
import { createTestDatabase, freePort, tempDir } from '@palisade/testing';
import { fromBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { ingestService } from '../ingest.service';

export interface OutboxRow {
  id: string;
  subject: string;
  message: Record<string, unknown>;
}

/** The ingest service booted in-process on the embedded bus, in a database of its own. */
export interface IngestHarness {
  service: RunningService;
  bus: EmbeddedBus;
  blobs: FileSystemBlobStore;
  publish(bytes: Buffer, request: Omit<MessageInitShape<typeof PublishRequestSchema>, 'tarball' | '$typeName'>, stored?: BlobRef): Promise<{ reply: PublishReply; ref: BlobRef }>;
  unpublish(request: MessageInitShape<typeof UnpublishRequestSchema>): Promise<UnpublishReply>;
  fetch(name: string): Promise<FetchReply>;
  cacheTarball(name: string, version: string, tarball: BlobRef): Promise<CacheTarballReply>;
  judge(name: string, version: string): Promise<JudgeReply>;
  outbox(): Promise<OutboxRow[]>;
  versionRow(name: string, version: string): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

export async function startIngest(env: Readonly<Record<string, string>> = {}): Promise<IngestHarness> {
  const url = await createTestDatabase('ingest');
  const bus = await EmbeddedBus.open({ url, schema: 'palisade_bus', pollIntervalMs: 50 });
  const blobs = new FileSystemBlobStore({ root: await tempDir('ingest-blobs-') });
  const service = await startService(ingestService, {
    bus,
    blobStore: blobs,
    telemetry: false,
    logDestination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    env: { PALISADE_DATABASE_URL: url, PALISADE_INGEST_PORT: String(await freePort()), PALISADE_LOG_LEVEL: 'warn', ...env },
  });

  return {
    service,
    bus,
    blobs,
    async publish(bytes, request, stored) {
      const ref = stored ?? (await blobs.put(bytes));
      const reply = await bus.request(
        Commands.ingestPublish.subject,
        encodeMessage(Commands.ingestPublish.request, { distTag: 'latest', publisher: { principal: 'alice', tokenId: 'tok-1' }, ...request, tarball: ref }),
        { timeoutMs: 15_000 },
      );
      return { reply: decodeMessage(Commands.ingestPublish.reply, reply.data), ref };
    },
    async unpublish(request) {
      const reply = await bus.request(Commands.ingestUnpublish.subject, encodeMessage(Commands.ingestUnpublish.request, request), { timeoutMs: 15_000 });
      return decodeMessage(Commands.ingestUnpublish.reply, reply.data);
    },
    async fetch(name) {
      const reply = await bus.request(Commands.ingestFetch.subject, encodeMessage(Commands.ingestFetch.request, { name }), { timeoutMs: 15_000 });
      return decodeMessage(Commands.ingestFetch.reply, reply.data);
    },
    async cacheTarball(name, version, tarball) {
      const request = encodeMessage(Commands.ingestCacheTarball.request, { name, version, tarball: { key: tarball.key, integrity: tarball.integrity, size: tarball.size } });
      const reply = await bus.request(Commands.ingestCacheTarball.subject, request, { timeoutMs: 15_000 });
      return decodeMessage(Commands.ingestCacheTarball.reply, reply.data);
    },
    async judge(name, version) {
      const reply = await bus.request(Commands.ingestJudge.subject, encodeMessage(Commands.ingestJudge.request, { name, version }), { timeoutMs: 15_000 });
      return decodeMessage(Commands.ingestJudge.reply, reply.data);
    },
    async outbox() {
      const rows: Array<{ id: string; subject: string; schema_name: string; data: Buffer }> = await service.dataSource.query(
        'SELECT id, subject, schema_name, data FROM palisade_ingest.outbox ORDER BY position',
      );
      return rows.map((row) => ({ id: row.id, subject: row.subject, message: decode(row.schema_name, row.data) }));
    },
    async versionRow(name, version) {
      const rows: Array<Record<string, unknown>> = await service.dataSource.query('SELECT * FROM palisade_ingest.versions WHERE name = $1 AND version = $2', [name, version]);
      return rows[0];
    },
    async stop() {
      await service.stop();
      await bus.close();
    },
  };
}

/** Protobuf events by their schema name; alerts are CloudEvents JSON (the parsed envelope). */
function decode(schemaName: string, data: Buffer): Record<string, unknown> {
  if (schemaName === AlertEvent.schemaName) return AlertEvent.parse(data) as unknown as Record<string, unknown>;
  const schema = contractRegistry.getMessage(schemaName) as DescMessage;
  return fromBinary(schema, data) as MessageShape<DescMessage> as unknown as Record<string, unknown>;
}

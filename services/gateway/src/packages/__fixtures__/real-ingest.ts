import { Writable } from 'node:stream';
import { Events, decodeMessage, encodeMessage, timestampNow } from '@palisade/contracts';
import { startService } from '@palisade/platform';
import { freePort, registerCleanup } from '@palisade/testing';
import { ingestService } from '../../../../ingest/src/ingest.service';
import type { GatewayHarness } from './gateway-harness';

/**
 * Starts the real ingest service on the harness's bus, database and blob store, with a stand-in
 * for promotion that admits every ingested version to dev (as the real one does when scans pass),
 * so a publish answers without waiting. Both stop with the test's cleanups.
 */
export async function startRealIngest(h: GatewayHarness, env: Record<string, string> = {}): Promise<void> {
  const ingest = await startService(ingestService, {
    bus: h.bus,
    blobStore: h.blobs,
    telemetry: false,
    env: { PALISADE_DATABASE_URL: h.databaseUrl, PALISADE_INGEST_PORT: String(await freePort()), PALISADE_LOG_LEVEL: 'warn', ...env },
    logDestination: new Writable({ write: (_chunk, _enc, done) => done() }),
  });
  registerCleanup(() => ingest.stop());
  const promotion = await h.bus.consume(
    { durable: 'test_promotion_stub', stream: 'REGISTRY', filterSubject: Events.versionIngested.subject, maxDeliver: 3, backoffMs: [100], ackWaitMs: 5_000 },
    async (message) => {
      const event = decodeMessage(Events.versionIngested.schema, message.data);
      await h.bus.publish({
        id: `promoted-dev-${message.id}`,
        subject: Events.versionPromoted.subject,
        schema: Events.versionPromoted.schema.typeName,
        data: encodeMessage(Events.versionPromoted.schema, { name: event.name, version: event.version, integrity: event.tarball?.integrity ?? '', view: 'dev', promotedAt: timestampNow() }),
      });
    },
  );
  registerCleanup(() => promotion.stop());
}

import { Events, encodeMessage, timestampNow, type VersionPromoted } from '@palisade/contracts';
import { EmbeddedBus, type DeliveredMessage } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { createTestDatabase, freePort, runCleanups, waitFor } from '@palisade/testing';
import { decodeMessage } from '@palisade/contracts';
import { promotionService } from '../promotion.service';

describe('promotion admits ingested versions to the entry view', () => {
  let bus: EmbeddedBus;
  let service: RunningService;
  const promoted: VersionPromoted[] = [];

  beforeAll(async () => {
    const url = await createTestDatabase('promotion');
    bus = await EmbeddedBus.open({ url, pollIntervalMs: 50 });
    service = await startService(promotionService, { bus, telemetry: false, env: { PALISADE_DATABASE_URL: url, PALISADE_PROMOTION_PORT: String(await freePort()), PALISADE_LOG_LEVEL: 'warn' } });
    await bus.consume(
      { durable: 'test-promoted', stream: 'REGISTRY', filterSubject: Events.versionPromoted.subject, maxDeliver: 3, backoffMs: [50], ackWaitMs: 5_000 },
      async (m: DeliveredMessage) => void promoted.push(decodeMessage(Events.versionPromoted.schema, m.data)),
    );
  });

  afterAll(async () => {
    await service.stop();
    await bus.close();
    await runCleanups();
  });

  const ingested = (id: string) =>
    bus.publish({
      id,
      subject: Events.versionIngested.subject,
      schema: Events.versionIngested.schema.typeName,
      data: encodeMessage(Events.versionIngested.schema, {
        name: '@acme/widget',
        version: '1.0.0',
        tarball: { key: 'sha512/ab', integrity: 'sha512-abc', size: 10 },
        manifestJson: '{}',
        ingestedAt: timestampNow(),
      }),
    });

  it('emits one version.promoted for dev per version, even when the ingested event arrives twice', async () => {
    await ingested('ingested-1');
    await waitFor(() => promoted.length === 1, { message: 'promoted event' });
    expect(promoted[0]).toMatchObject({ name: '@acme/widget', version: '1.0.0', integrity: 'sha512-abc', view: 'dev', fromView: '', policyVersion: 0 });
    // A second event for the same version (a re-publish that ingest reported as new, say) admits nothing new.
    await ingested('ingested-2');
    await new Promise((r) => setTimeout(r, 800));
    expect(promoted).toHaveLength(1);
    const rows = await service.dataSource.query('SELECT view, name, version FROM admission');
    expect(rows).toEqual([{ view: 'dev', name: '@acme/widget', version: '1.0.0' }]);
  });
});

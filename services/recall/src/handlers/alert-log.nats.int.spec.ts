import { Writable } from 'node:stream';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ALERT_CLOUDEVENT_TYPE, Commands, Severity, decodeMessage, encodeAlert, encodeMessage, parseAlertCloudEvent, timestampNow } from '@palisade/contracts';
import { JetStreamBus, MessageHeaders } from '@palisade/messaging';
import { PLATFORM_STREAMS, startService, type RunningService, type ServiceDefinition } from '@palisade/platform';
import { createTestDatabase, freePort, runCleanups, startNatsServer, waitFor, type NatsServerHandle } from '@palisade/testing';
import { alertConfig } from '../application/alert-config';
import { AlertLogModule } from '../application/alert-log.module';
import { AlertLog1768100000000 } from '../store/alert-log.migration';

// Distributed path: alerts on a real NATS JetStream. A security team's plain `nats sub 'alerts.>'`
// reads JSON, and the recall service's durable `alerts.>` consumer logs each alert once even when
// the stream holds it twice.

const alertLogService: ServiceDefinition = {
  name: 'recall',
  module: AlertLogModule,
  port: { variable: 'PALISADE_RECALL_PORT', default: 4878 },
  config: alertConfig,
  migrations: [AlertLog1768100000000],
};

describe('alerts on NATS JetStream', () => {
  let nats: NatsServerHandle;
  let service: RunningService;
  let publisher: JetStreamBus;
  let subscriber: NatsConnection;
  let subscription: Subscription;
  const seen: Array<{ subject: string; text: string; headers: Record<string, string> }> = [];

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: true });
    const url = await createTestDatabase('recall_alert_nats');
    service = await startService(alertLogService, {
      telemetry: false,
      logDestination: new Writable({ write: (_c, _e, done) => done() }),
      env: { PALISADE_DATABASE_URL: url, PALISADE_NATS_URL: nats.url, PALISADE_RECALL_PORT: String(await freePort()), PALISADE_LOG_LEVEL: 'warn' },
    });
    publisher = await JetStreamBus.connect({ servers: nats.url, name: 'test-publisher' });
    await publisher.provision(PLATFORM_STREAMS);
    subscriber = await connect({ servers: nats.url });
    subscription = subscriber.subscribe('alerts.>');
    void (async () => {
      for await (const m of subscription) {
        const headers: Record<string, string> = {};
        for (const key of m.headers?.keys() ?? []) headers[key] = m.headers?.get(key) ?? '';
        seen.push({ subject: m.subject, text: m.string(), headers });
      }
    })();
    await subscriber.flush();
  });

  afterAll(async () => {
    await subscriber?.close();
    await publisher?.close();
    await service?.stop();
    await nats?.stop();
    await runCleanups();
  });

  it('a plain NATS subscriber on alerts.> reads the alert as CloudEvents JSON', async () => {
    const encoded = encodeAlert({
      area: 'security',
      severity: Severity.CRITICAL,
      kind: 'tamper',
      summary: 'the upstream now serves other bytes for tamper-me@1.0.1',
      subjectPackage: { name: 'tamper-me', version: '1.0.1' },
      details: { recorded_integrity: 'sha512-a', upstream_integrity: 'sha512-b' },
      raisedBy: 'ingest',
      raisedAt: timestampNow(),
    });
    await publisher.publish({ id: 'alert:tamper:nats-1', ...encoded });

    await waitFor(() => seen.some((m) => m.subject === 'alerts.security.critical.tamper'), { message: 'core subscriber got the alert' });
    const message = seen.find((m) => m.subject === 'alerts.security.critical.tamper') as (typeof seen)[number];
    // Nothing but JSON.parse is needed to read it.
    const json = JSON.parse(message.text) as Record<string, unknown>;
    expect(json).toMatchObject({
      specversion: '1.0',
      type: 'io.palisade.alert.v1',
      source: '/palisade/ingest',
      subject: 'alerts.security.critical.tamper',
      datacontenttype: 'application/json',
      data: { severity: 'critical', package: { name: 'tamper-me', version: '1.0.1' }, details: { upstream_integrity: 'sha512-b' }, drill: false, recallId: null },
    });
    expect(parseAlertCloudEvent(message.text)).toEqual(json);
    expect(message.headers[MessageHeaders.schema]).toBe(ALERT_CLOUDEVENT_TYPE);
    expect(message.headers['content-type']).toBe('application/cloudevents+json');
    expect(message.headers[MessageHeaders.eventId]).toBe('alert:tamper:nats-1');
  });

  it("the recall service's durable alerts.> consumer logs each alert once, even when the stream holds it twice", async () => {
    const encoded = encodeAlert({ area: 'recall', severity: Severity.HIGH, kind: 'opened', summary: 'recall rc-7 opened', recallId: 'rc-7', raisedBy: 'recall' });
    await publisher.publish({ id: 'alert:opened:nats-2', ...encoded });
    // A second copy past JetStream's de-duplication (no Nats-Msg-Id; after the window, say): same event id header.
    const nc = await connect({ servers: nats.url });
    try {
      const hdrs = natsHeaders();
      hdrs.set(MessageHeaders.eventId, 'alert:opened:nats-2');
      hdrs.set(MessageHeaders.schema, encoded.schema);
      const ack = await jetstream(nc).publish(encoded.subject, encoded.data, { headers: hdrs });
      expect(ack.duplicate).toBe(false);
    } finally {
      await nc.close();
    }

    const count = async () => {
      const rows: Array<{ n: string }> = await service.dataSource.query(`SELECT count(*) AS n FROM palisade_recall.alert_log WHERE message_id = 'alert:opened:nats-2'`);
      return Number(rows[0].n);
    };
    await waitFor(async () => (await count()) === 1, { message: 'alert logged' });
    // Both copies handled (the consumer has nothing pending) and still one row.
    const jsm = await jetstreamManager(subscriber);
    await waitFor(async () => {
      const info = await jsm.consumers.info('ALERTS', 'recall_alerts_all');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, { message: 'consumer caught up' });
    expect(await count()).toBe(1);

    const reply = await publisher.request(Commands.recallAlerts.subject, encodeMessage(Commands.recallAlerts.request, { subjectFilter: 'alerts.recall.>' }), { timeoutMs: 5_000 });
    const page = decodeMessage(Commands.recallAlerts.reply, reply.data);
    expect(page.alerts.map((a) => parseAlertCloudEvent(a.cloudeventJson).data.recallId)).toEqual(['rc-7']);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import {
  AlertSchema,
  Commands,
  Severity,
  decodeMessage,
  encodeAlert,
  encodeMessage,
  parseAlertCloudEvent,
  timestampNow,
  verifyAlertSignature,
  type AlertInit,
  type RecordedAlert,
} from '@palisade/contracts';
import { DEAD_LETTER_STREAM, EmbeddedBus, MessageHeaders, type DeliveredMessage } from '@palisade/messaging';
import { startService, type RunningService, type ServiceDefinition } from '@palisade/platform';
import { createTestDatabase, freePort, runCleanups, waitFor } from '@palisade/testing';
import { alertConfig } from '../application/alert-config';
import { AlertLogModule } from '../application/alert-log.module';
import { AlertDeliveryStore } from '../store/alert-delivery-store';
import { AlertLog1768100000000 } from '../store/alert-log.migration';
import { AlertLogHandler } from './alert-log.handler';

// The alert log and its webhooks on the embedded bus and a real PostgreSQL, with a local HTTP
// receiver: exactly-once logging, signed deliveries, retries with backoff, and the log read back.

const SECRET = 'alert-webhook-secret-for-tests';

/** Only the alert log part of the recall service, so this suite does not depend on the rest of it. */
const alertLogService: ServiceDefinition = {
  name: 'recall',
  module: AlertLogModule,
  port: { variable: 'PALISADE_RECALL_PORT', default: 4878 },
  config: alertConfig,
  migrations: [AlertLog1768100000000],
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: `/ok` answers 204, `/flaky` 500 twice per event then 200, `/down` always 503. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      const seenBefore = received.filter((r) => r.path === entry.path && r.headers['ce-id'] === entry.headers['ce-id']).length;
      if (entry.path === '/ok') res.writeHead(204).end();
      else if (entry.path === '/flaky') res.writeHead(seenBefore <= 2 ? 500 : 200).end('ok');
      else res.writeHead(503).end('down for maintenance');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((done) => server.close(() => done())) };
}

describe('alert log and webhooks (embedded bus)', () => {
  let bus: EmbeddedBus;
  let service: RunningService;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let counter = 0;

  beforeAll(async () => {
    const url = await createTestDatabase('recall_alert_log');
    bus = await EmbeddedBus.open({ url, schema: 'palisade_bus', pollIntervalMs: 20 });
    receiver = await startReceiver();
    service = await startService(alertLogService, {
      bus,
      telemetry: false,
      logDestination: new Writable({ write: (_c, _e, done) => done() }),
      env: {
        PALISADE_DATABASE_URL: url,
        PALISADE_RECALL_PORT: String(await freePort()),
        PALISADE_LOG_LEVEL: 'warn',
        PALISADE_ALERT_WEBHOOKS: `${receiver.url}/ok, ${receiver.url}/flaky|alerts.security.>, ${receiver.url}/down|alerts.signing.*.*`,
        PALISADE_ALERT_WEBHOOK_SECRET: SECRET,
        PALISADE_ALERT_WEBHOOK_BACKOFF: '50ms',
        PALISADE_ALERT_WEBHOOK_MAX_ATTEMPTS: '3',
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await receiver?.close();
    await runCleanups();
  });

  type AlertFields = { area?: string; severity?: Severity; kind?: string; summary?: string; subjectPackage?: { name: string; version: string }; recallId?: string; raisedBy?: string };
  const alert = (overrides: AlertFields = {}): AlertInit => ({
    area: 'security',
    severity: Severity.CRITICAL,
    kind: 'malware',
    summary: 'evil-helper@1.0.0 steals tokens in postinstall',
    subjectPackage: { name: 'evil-helper', version: '1.0.0' },
    details: { verdict: 'block' },
    raisedBy: 'scanning',
    raisedAt: timestampNow(),
    ...overrides,
  });

  /** Publishes an alert the way the outbox relay does; returns its message id, subject and bytes. */
  const publish = async (init: AlertInit) => {
    counter += 1;
    const id = `alert:test:${counter}:${Date.now()}`;
    const encoded = encodeAlert(init);
    await bus.publish({ id, ...encoded });
    return { id, ...encoded, event: parseAlertCloudEvent(encoded.data) };
  };

  const logged = async (messageId: string): Promise<Array<{ seq: string; subject: string; cloudevent: string }>> =>
    service.dataSource.query('SELECT seq, subject, cloudevent::text AS cloudevent FROM palisade_recall.alert_log WHERE message_id = $1', [messageId]);

  const deliveriesOf = async (messageId: string) => {
    const [row] = await logged(messageId);
    return row ? AlertDeliveryStore.ofAlert(service.dataSource.manager, BigInt(row.seq)) : [];
  };

  const alertsSince = async (request: { after?: bigint; subjectFilter?: string; limit?: number }) => {
    const reply = await bus.request(Commands.recallAlerts.subject, encodeMessage(Commands.recallAlerts.request, request), { timeoutMs: 5_000 });
    return decodeMessage(Commands.recallAlerts.reply, reply.data);
  };

  it('logs an alert exactly once, byte for byte, even when it is redelivered', async () => {
    const sent = await publish(alert());
    await waitFor(async () => (await logged(sent.id)).length === 1, { message: 'alert logged' });
    // The relay republishes (the bus drops the copy) and the consumer gets it again after a crash before its ack.
    expect(await bus.publish({ id: sent.id, subject: sent.subject, schema: sent.schema, data: sent.data })).toEqual({ duplicate: true });
    const redelivered: DeliveredMessage = { id: sent.id, subject: sent.subject, schema: sent.schema, data: sent.data, headers: {}, attempt: 2, working: () => undefined };
    await service.app.get(AlertLogHandler).onAlert(redelivered);
    await service.app.get(AlertLogHandler).onAlert(redelivered);

    const rows = await logged(sent.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].subject).toBe('alerts.security.critical.malware');
    expect(rows[0].cloudevent).toBe(new TextDecoder().decode(sent.data));
    // One delivery per interested webhook (/ok takes everything, /flaky security, /down signing only).
    expect((await deliveriesOf(sent.id)).map((d) => new URL(d.webhookUrl).pathname).sort()).toEqual(['/flaky', '/ok']);
  });

  it('POSTs the CloudEvent to a webhook, signed so the receiver can verify it', async () => {
    const sent = await publish(alert({ area: 'recall', severity: Severity.HIGH, kind: 'opened', subjectPackage: undefined, recallId: 'rc-1', raisedBy: 'recall' }));
    await waitFor(() => receiver.received.some((r) => r.path === '/ok' && r.headers['ce-id'] === sent.event.id), { message: 'webhook delivery' });
    const delivery = receiver.received.find((r) => r.path === '/ok' && r.headers['ce-id'] === sent.event.id) as Received;

    expect(delivery.headers['content-type']).toBe('application/cloudevents+json');
    expect(delivery.body).toBe(new TextDecoder().decode(sent.data));
    const timestamp = delivery.headers['x-palisade-timestamp'] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifyAlertSignature(SECRET, timestamp, delivery.body, delivery.headers['x-palisade-signature'] as string, { maxAgeSeconds: 300 })).toBe(true);
    expect(verifyAlertSignature('another-secret-entirely', timestamp, delivery.body, delivery.headers['x-palisade-signature'] as string)).toBe(false);
    expect(parseAlertCloudEvent(delivery.body).data).toMatchObject({ area: 'recall', kind: 'opened', recallId: 'rc-1', package: null });

    await waitFor(async () => (await deliveriesOf(sent.id))[0]?.status === 'delivered', { message: 'delivery marked delivered' });
    const [recorded] = await deliveriesOf(sent.id);
    expect(recorded).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
    expect(await AlertDeliveryStore.attemptsOf(service.dataSource.manager, recorded.id)).toEqual([{ attempt: 1, statusCode: 204, error: null, durationMs: expect.any(Number) }]);
  });

  it('retries a receiver that fails twice and delivers on the third attempt, with every attempt recorded', async () => {
    const sent = await publish(alert({ kind: 'tamper', subjectPackage: { name: 'tamper-me', version: '1.0.1' }, raisedBy: 'ingest' }));
    const flaky = async () => (await deliveriesOf(sent.id)).find((d) => d.webhookUrl.endsWith('/flaky'));
    await waitFor(async () => (await flaky())?.status === 'delivered', { timeoutMs: 15_000, message: 'flaky webhook finally delivered' });
    const delivery = await flaky();
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });
    const attempts = await AlertDeliveryStore.attemptsOf(service.dataSource.manager, delivery?.id as string);
    expect(attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    const bodies = receiver.received.filter((r) => r.path === '/flaky' && r.headers['ce-id'] === sent.event.id);
    expect(bodies).toHaveLength(3);
    // Each attempt is signed afresh, over the same body.
    for (const r of bodies) expect(verifyAlertSignature(SECRET, r.headers['x-palisade-timestamp'] as string, r.body, r.headers['x-palisade-signature'] as string)).toBe(true);
  });

  it('gives a delivery up as failed after the maximum attempts', async () => {
    const sent = await publish(alert({ area: 'signing', severity: Severity.HIGH, kind: 'key-revoked', subjectPackage: undefined, raisedBy: 'signing' }));
    const down = async () => (await deliveriesOf(sent.id)).find((d) => d.webhookUrl.endsWith('/down'));
    await waitFor(async () => (await down())?.status === 'failed', { timeoutMs: 15_000, message: 'down webhook given up' });
    const delivery = await down();
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 503 });
    expect((await AlertDeliveryStore.attemptsOf(service.dataSource.manager, delivery?.id as string)).map((a) => a.statusCode)).toEqual([503, 503, 503]);
  });

  it('logs (without delivering) a protobuf alert from before the CloudEvents format, and dead-letters what is not an alert', async () => {
    const dead: DeliveredMessage[] = [];
    await bus.consume({ durable: 'test-alert-dlq', stream: DEAD_LETTER_STREAM.name, filterSubject: 'deadletter.alerts.>', maxDeliver: 1, backoffMs: [], ackWaitMs: 5_000 }, async (m) => void dead.push(m));
    const legacy = { area: 'security', severity: Severity.HIGH, kind: 'upstream-removed', subjectPackage: { name: 'vanishing', version: '1.0.1' }, raisedBy: 'ingest', raisedAt: timestampNow() };
    await bus.publish({ id: 'legacy-alert-1', subject: 'alerts.security.high.upstream-removed', schema: AlertSchema.typeName, data: encodeMessage(AlertSchema, legacy) });
    await bus.publish({ id: 'garbage-alert-1', subject: 'alerts.security.high.garbage', schema: 'io.palisade.alert.v1', data: new TextEncoder().encode('{"not":"an alert"}') });

    await waitFor(async () => (await logged('legacy-alert-1')).length === 1, { message: 'legacy alert logged' });
    const event = parseAlertCloudEvent((await logged('legacy-alert-1'))[0].cloudevent);
    expect(event).toMatchObject({ subject: 'alerts.security.high.upstream-removed', source: '/palisade/ingest', data: { package: { name: 'vanishing', version: '1.0.1' } } });
    // History replayed after an upgrade is logged, not sent to the webhooks.
    expect(await deliveriesOf('legacy-alert-1')).toEqual([]);

    await waitFor(() => dead.some((m) => m.headers[MessageHeaders.deadLetterSubject] === 'alerts.security.high.garbage'), { message: 'malformed alert dead-lettered' });
    expect(dead.find((m) => m.headers[MessageHeaders.deadLetterSubject] === 'alerts.security.high.garbage')?.headers[MessageHeaders.errorCode]).toBe('CONTRACT_DECODE_FAILED');
    expect(await logged('garbage-alert-1')).toEqual([]);
  });

  it('answers recallAlerts from the log: newest first page, then by cursor, filtered by subject', async () => {
    const start = await alertsSince({});
    const head = start.lastSeq;
    const sent = [
      await publish(alert({ area: 'recall', severity: Severity.HIGH, kind: 'opened', subjectPackage: undefined, recallId: 'rc-9', raisedBy: 'recall' })),
      await publish(alert({ kind: 'vulnerability' })),
      await publish(alert({ area: 'recall', severity: Severity.INFO, kind: 'closed', subjectPackage: undefined, recallId: 'rc-9', raisedBy: 'recall' })),
      await publish(alert({ kind: 'malware' })),
    ];
    await waitFor(async () => (await Promise.all(sent.map((s) => logged(s.id)))).every((rows) => rows.length === 1), { message: 'all logged' });
    const subjects = (alerts: RecordedAlert[]) => alerts.map((a) => a.subject);

    const all = await alertsSince({ after: head });
    expect(subjects(all.alerts)).toEqual(['alerts.recall.high.opened', 'alerts.security.critical.vulnerability', 'alerts.recall.info.closed', 'alerts.security.critical.malware']);
    expect(all.alerts.map((a) => a.seq)).toEqual([...all.alerts.map((a) => a.seq)].sort((a, b) => (a < b ? -1 : 1)));
    expect(all.lastSeq).toBe(all.alerts[3].seq);
    expect(parseAlertCloudEvent(all.alerts[0].cloudeventJson).id).toBe(sent[0].event.id);

    const recallOnly = await alertsSince({ after: head, subjectFilter: 'alerts.recall.>' });
    expect(subjects(recallOnly.alerts)).toEqual(['alerts.recall.high.opened', 'alerts.recall.info.closed']);
    // The cursor moves past what the filter skipped.
    expect(recallOnly.lastSeq).toBe(all.lastSeq);
    expect((await alertsSince({ after: recallOnly.lastSeq, subjectFilter: 'alerts.recall.>' })).alerts).toEqual([]);

    const paged = await alertsSince({ after: head, subjectFilter: 'alerts.*.critical.*', limit: 1 });
    expect(subjects(paged.alerts)).toEqual(['alerts.security.critical.vulnerability']);
    expect(paged.lastSeq).toBe(paged.alerts[0].seq);
    const next = await alertsSince({ after: paged.lastSeq, subjectFilter: 'alerts.*.critical.*', limit: 1 });
    expect(subjects(next.alerts)).toEqual(['alerts.security.critical.malware']);

    const newest = await alertsSince({ limit: 2 });
    expect(subjects(newest.alerts)).toEqual(['alerts.recall.info.closed', 'alerts.security.critical.malware']);
    expect(newest.lastSeq).toBe(all.lastSeq);
    expect(subjects((await alertsSince({ subjectFilter: 'alerts.recall.*.opened', limit: 1 })).alerts)).toEqual(['alerts.recall.high.opened']);

    await expect(alertsSince({ subjectFilter: 'alerts.>.critical' })).rejects.toMatchObject({ code: 'RECALL_ALERTS_BAD_FILTER' });
  });
});

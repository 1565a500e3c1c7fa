import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { PermanentError } from '@palisade/errors';
import { runCleanups, startNatsServer, waitFor, type NatsServerHandle } from '@palisade/testing';
import { deadLetterSubject, type ConsumerSpec } from '../bus';
import { DEAD_LETTER_ALERT_SUBJECT, type DeadLetterNotice } from '../dead-letter-notice';
import { MessageHeaders, type DeliveredMessage } from '../message';
import { JetStreamBus, termTakesReason } from './jetstream-bus';

// Against a nats-server of the test's own: the version CI and developers run (2.9.x ignores
// `+TERM <reason>`), so a dead-lettered message must be finished in a form it honours.
let nats: NatsServerHandle;
let bus: JetStreamBus;

beforeAll(async () => {
  nats = await startNatsServer({ jetstream: true });
  bus = await JetStreamBus.connect({ servers: nats.url, name: 'dead-letter-test' });
  await bus.provision([
    { name: 'POISON', subjects: ['poison.>'] },
    { name: 'ALERTS', subjects: ['alerts.>'] },
  ]);
});

afterAll(async () => {
  await bus.close();
  await runCleanups();
});

describe('JetStream dead letters', () => {
  it('knows which server versions take a reason with +TERM', () => {
    expect(termTakesReason('2.9.10')).toBe(false);
    expect(termTakesReason('2.10.3')).toBe(false);
    expect(termTakesReason('2.10.4')).toBe(true);
    expect(termTakesReason('2.11.0')).toBe(true);
    expect(termTakesReason('3.0.0')).toBe(true);
    expect(termTakesReason(undefined)).toBe(false);
    expect(termTakesReason('garbage')).toBe(false);
  });

  it('writes exactly one dead letter and one alert for a permanently failing message, which is never redelivered', async () => {
    const spec: ConsumerSpec = { durable: 'poison-handler', stream: 'POISON', filterSubject: 'poison.>', maxDeliver: 3, backoffMs: [50], ackWaitMs: 1_000 };
    let calls = 0;
    const notices: DeadLetterNotice[] = [];
    bus.onDeadLetter((notice) => void notices.push(notice));
    const handler = await bus.consume(spec, async () => {
      calls += 1;
      throw new PermanentError('BAD_PAYLOAD', 'payload is not a version');
    });
    const dead: DeliveredMessage[] = [];
    const dlq = await bus.consume({ ...spec, durable: 'poison-dlq', stream: 'DEADLETTER', filterSubject: deadLetterSubject('POISON', spec.durable) }, async (m) => void dead.push(m));
    const alerts: DeliveredMessage[] = [];
    const alertSub = await bus.consume({ ...spec, durable: 'alerts-reader', stream: 'ALERTS', filterSubject: 'alerts.>' }, async (m) => void alerts.push(m));

    const id = randomUUID();
    await bus.publish({ id, subject: 'poison.version.ingested', schema: 'test.v1.Text', data: new Uint8Array([1]) });
    await waitFor(() => dead.length === 1 && alerts.length === 1, { timeoutMs: 10_000, message: 'dead letter and alert' });
    // Longer than several ack waits: a message the server did not take as terminated comes back.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(calls).toBe(1);
    expect(dead).toHaveLength(1);
    expect(dead[0].headers[MessageHeaders.errorCode]).toBe('BAD_PAYLOAD');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].subject).toBe(DEAD_LETTER_ALERT_SUBJECT);
    const cloudEvent = JSON.parse(new TextDecoder().decode(alerts[0].data));
    expect(cloudEvent.data).toMatchObject({
      area: 'ops',
      severity: 'high',
      kind: 'dead-letter',
      details: { stream: 'POISON', consumer: 'poison-handler', subject: 'poison.version.ingested', errorCode: 'BAD_PAYLOAD', attempts: '1', messageId: id },
    });
    expect(notices).toEqual([expect.objectContaining({ consumer: 'poison-handler', errorCode: 'BAD_PAYLOAD', attempts: 1 })]);

    const jsm = await jetstreamManager(bus.connection);
    const info = await jsm.consumers.info('POISON', 'poison-handler');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.delivered.consumer_seq).toBe(1);
    const backlog = await bus.backlog();
    expect(backlog['poison-handler']).toEqual({ pending: 0, redelivering: 0 });
    await Promise.all([handler.stop(), dlq.stop(), alertSub.stop()]);
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PermanentError, RetryableError } from '@palisade/errors';
import { dropSchemas, testDatabaseUrl, waitFor } from '@palisade/testing';
import type { ConsumerSpec } from '../bus';
import { describeMessageBusContract } from '../bus.contract';
import { DEAD_LETTER_ALERT_SUBJECT, type DeadLetterNotice } from '../dead-letter-notice';
import type { DeliveredMessage } from '../message';
import { EmbeddedBus } from './embedded-bus';

const url = testDatabaseUrl;

describeMessageBusContract('embedded (PostgreSQL log)', async () => {
  const schema = `bus_contract_${process.pid}`;
  const bus = await EmbeddedBus.open({ url, schema, pollIntervalMs: 50, retentionIntervalMs: 200 });
  const reopened: EmbeddedBus[] = [];
  return {
    bus,
    reopen: async () => {
      const next = await EmbeddedBus.open({ url, schema, pollIntervalMs: 50, retentionIntervalMs: 200 });
      await next.provision(bus.provisioned());
      reopened.push(next);
      return next;
    },
    cleanup: async () => {
      for (const next of reopened) await next.close();
      await bus.close();
      await dropSchemas(url, schema);
    },
  };
});

describe('embedded bus dead letters', () => {
  const schema = `bus_dead_letter_${process.pid}`;
  let bus: EmbeddedBus;

  beforeAll(async () => {
    bus = await EmbeddedBus.open({ url, schema, pollIntervalMs: 50 });
    await bus.provision([
      { name: 'POISON', subjects: ['poison.>'] },
      { name: 'ALERTS', subjects: ['alerts.>'] },
    ]);
  });
  afterAll(async () => {
    await bus.close();
    await dropSchemas(url, schema);
  });

  it('raises an alerts.ops.high.dead-letter alert and a notice with every dead letter, and shows the backlog', async () => {
    const spec: ConsumerSpec = { durable: 'poison-handler', stream: 'POISON', filterSubject: 'poison.>', maxDeliver: 3, backoffMs: [50], ackWaitMs: 1_000 };
    const notices: DeadLetterNotice[] = [];
    bus.onDeadLetter((notice) => void notices.push(notice));
    let calls = 0;
    const handler = await bus.consume(spec, async (m) => {
      calls += 1;
      if (m.subject.endsWith('.bad')) throw new PermanentError('BAD_PAYLOAD', 'payload is not a version');
      throw new RetryableError('DB_DOWN', 'database unavailable');
    });
    const alerts: DeliveredMessage[] = [];
    const alertSub = await bus.consume({ ...spec, durable: 'alerts-reader', stream: 'ALERTS', filterSubject: 'alerts.>' }, async (m) => void alerts.push(m));
    const id = randomUUID();
    await bus.publish({ id, subject: 'poison.version.bad', schema: 'test.v1.Text', data: new Uint8Array([1]) });
    await bus.publish({ id: randomUUID(), subject: 'poison.version.stuck', schema: 'test.v1.Text', data: new Uint8Array([2]) });
    await waitFor(() => alerts.length === 1 && calls >= 4, { timeoutMs: 10_000, message: 'alert, and the stuck message retried' });
    expect(alerts[0].subject).toBe(DEAD_LETTER_ALERT_SUBJECT);
    const cloudEvent = JSON.parse(new TextDecoder().decode(alerts[0].data));
    expect(cloudEvent.data).toMatchObject({
      area: 'ops',
      severity: 'high',
      kind: 'dead-letter',
      details: { stream: 'POISON', consumer: 'poison-handler', subject: 'poison.version.bad', errorCode: 'BAD_PAYLOAD', attempts: '1', messageId: id },
    });
    expect(notices).toEqual([expect.objectContaining({ consumer: 'poison-handler', subject: 'poison.version.bad', errorCode: 'BAD_PAYLOAD', attempts: 1 })]);
    // The stuck message fails transiently: it is pending and being redelivered, never dead.
    await waitFor(async () => (await bus.backlog())['poison-handler']?.redelivering === 1, { timeoutMs: 5_000, message: 'backlog shows the redelivery' });
    expect((await bus.backlog())['poison-handler']).toEqual({ pending: 1, redelivering: 1 });
    await Promise.all([handler.stop(), alertSub.stop()]);
  });
});

describe('embedded bus ack floor', () => {
  const schema = `bus_ack_floor_${process.pid}`;
  let bus: EmbeddedBus;

  beforeAll(async () => {
    bus = await EmbeddedBus.open({ url, schema, pollIntervalMs: 50 });
    await bus.provision([{ name: 'FLOOR', subjects: ['floor.>'] }]);
  });
  afterAll(async () => {
    await bus.close();
    await dropSchemas(url, schema);
  });

  it('never moves past a message whose insert commits late, however old it is', async () => {
    const seen: string[] = [];
    // A publish that took its sequence number a minute ago and has not committed yet.
    const late = new Client({ connectionString: url });
    await late.connect();
    let sub: Awaited<ReturnType<EmbeddedBus['consume']>> | undefined;
    try {
      await late.query('BEGIN');
      await late.query(
        `INSERT INTO "${schema}".message (id, stream, subject, schema_name, headers, data, published_at)
         VALUES ('late-one', 'FLOOR', 'floor.late', 'test.v1.Text', '{}', '\\x00', now() - interval '1 minute')`,
      );
      // Later messages, which a slow consumer reaches only well after they were published.
      for (const id of ['after-1', 'after-2']) {
        await bus.publish({ id, subject: 'floor.after', schema: 'test.v1.Text', data: new Uint8Array([1]) });
      }
      await late.query(`SET lock_timeout = '5s'`);
      const other = new Client({ connectionString: url });
      await other.connect();
      await other.query(`UPDATE "${schema}".message SET published_at = now() - interval '30 seconds' WHERE id LIKE 'after-%'`);
      await other.end();
      sub = await bus.consume({ durable: 'floor-reader', stream: 'FLOOR', filterSubject: 'floor.>', maxDeliver: 3, backoffMs: [50], ackWaitMs: 2_000 }, async (m) => {
        seen.push(m.id);
      });
      await waitFor(() => seen.length === 2, { timeoutMs: 10_000, message: 'later messages handled' });
      await new Promise((r) => setTimeout(r, 300));
      await late.query('COMMIT');
    } finally {
      await late.end();
    }
    await waitFor(() => seen.includes('late-one'), { timeoutMs: 5_000, message: 'the late-committed message delivered' });
    expect(seen.sort()).toEqual(['after-1', 'after-2', 'late-one']);
    await sub?.stop();
  });
});

describe('embedded bus idle polling', () => {
  const schema = `bus_idle_poll_${process.pid}`;
  let bus: EmbeddedBus;

  beforeAll(async () => {
    // An idle poll far longer than the test: only wake-ups can deliver in time.
    bus = await EmbeddedBus.open({ url, schema, pollIntervalMs: 50, idlePollIntervalMs: 120_000 });
    await bus.provision([{ name: 'IDLE', subjects: ['idle.>'] }]);
  });
  afterAll(async () => {
    await bus.close();
    await dropSchemas(url, schema);
  });

  it('delivers a publish at once and a retry when it falls due, without waiting for the idle poll', async () => {
    const attempts: number[] = [];
    const sub = await bus.consume({ durable: 'idle-reader', stream: 'IDLE', filterSubject: 'idle.>', maxDeliver: 3, backoffMs: [400], ackWaitMs: 5_000 }, async (m) => {
      attempts.push(m.attempt);
      if (m.attempt === 1) throw new Error('first attempt fails');
    });
    // Let the consumer's first drain find nothing, so it sleeps the idle poll.
    await new Promise((r) => setTimeout(r, 300));
    await bus.publish({ id: randomUUID(), subject: 'idle.one', schema: 'test.v1.Text', data: new Uint8Array([1]) });
    await waitFor(() => attempts.length === 2, { timeoutMs: 10_000, message: 'the message and its retry delivered' });
    expect(attempts).toEqual([1, 2]);
    await sub.stop();
  });
});

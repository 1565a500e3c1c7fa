import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { trace } from '@opentelemetry/api';
import { openServiceStore } from '@palisade/persistence';
import { startTelemetry } from '@palisade/telemetry';
import { dropSchemas, runCleanups, spawnNode, startNatsServer, testDatabaseUrl, waitFor, type ChildHandle, type NatsServerHandle } from '@palisade/testing';
import { EmbeddedBus } from '../embedded/embedded-bus';
import { JetStreamBus } from '../jetstream/jetstream-bus';
import { MESSAGING_MIGRATIONS } from './messaging-tables.migration';
import { addToOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { EffectTable1764000000100, StateTable1764000000101 } from '../__fixtures__/effect-store';

// Exactly-once effects over at-least-once delivery, proven with real processes, a real
// nats-server of the test's own (so it can be killed and restarted) and real PostgreSQL.
const databaseUrl = testDatabaseUrl;
const consumerScript = resolve(__dirname, '../__fixtures__/consumer-process.ts');
const relayScript = resolve(__dirname, '../__fixtures__/relay-process.ts');
const run = `${process.pid}`;
const roots = ['kill', 'restart', 'reconnect', 'relaycrash', 'rollback', 'embedded', 'trace'];
const streams = roots.map((root) => ({ name: root.toUpperCase(), subjects: [`${root}.>`] }));
const schemas = { producer: `fault_producer_${run}`, a: `fault_consumer_a_${run}`, b: `fault_consumer_b_${run}`, bus: `fault_bus_${run}` };

let nats: NatsServerHandle;
let producer: DataSource;

function consumerEnv(root: string, consumer: string, schema: string, extra: Record<string, string> = {}): Record<string, string> {
  return { CONSUMER: consumer, SCHEMA: schema, DATABASE_URL: databaseUrl, NATS_URL: nats.url, STREAM: root.toUpperCase(), SUBJECT_ROOT: root, ...extra };
}

async function startConsumer(env: Record<string, string>): Promise<ChildHandle> {
  const child = spawnNode(consumerScript, { env });
  await child.waitForLine(/^READY$/, 30_000);
  return child;
}

async function produce(root: string, name: string): Promise<string> {
  return producer.transaction(async (tx) => {
    await tx.query(`INSERT INTO "${schemas.producer}".version_state (name) VALUES ($1)`, [name]);
    return addToOutbox(tx, { subject: `${root}.version.ingested`, schema: 'palisade.v1.VersionIngested', data: new TextEncoder().encode(name) });
  });
}

async function applications(schema: string, messageId: string): Promise<number> {
  const rows: Array<{ n: number }> = await producer.query(`SELECT count(*)::int AS n FROM "${schema}".effect WHERE message_id = $1`, [messageId]);
  return rows[0].n;
}

async function expectAppliedOnceBy(messageId: string, consumerSchemas: string[]): Promise<void> {
  await waitFor(async () => (await Promise.all(consumerSchemas.map((s) => applications(s, messageId)))).every((n) => n >= 1), {
    timeoutMs: 30_000,
    message: `event ${messageId} applied by ${consumerSchemas.join(', ')}`,
  });
  // Give any duplicate delivery time to show up before asserting there was none.
  await new Promise((r) => setTimeout(r, 1_500));
  for (const schema of consumerSchemas) expect(await applications(schema, messageId)).toBe(1);
}

async function withRelay<T>(fn: (relay: OutboxRelay) => Promise<T>): Promise<T> {
  const bus = await JetStreamBus.connect({ servers: nats.url, name: 'test-relay' });
  try {
    await bus.provision(streams);
    return await fn(new OutboxRelay(producer, bus));
  } finally {
    await bus.close();
  }
}

beforeAll(async () => {
  nats = await startNatsServer({ jetstream: true });
  producer = await openServiceStore({ url: databaseUrl, schema: schemas.producer, migrations: [...MESSAGING_MIGRATIONS, StateTable1764000000101] });
  for (const schema of [schemas.a, schemas.b]) {
    const ds = await openServiceStore({ url: databaseUrl, schema, migrations: [...MESSAGING_MIGRATIONS, EffectTable1764000000100] });
    await ds.destroy();
  }
});

afterAll(async () => {
  await runCleanups();
  await dropSchemas(databaseUrl, ...Object.values(schemas));
  await producer.destroy();
});

describe('outbox → JetStream → two durable consumers, exactly-once effects', () => {
  it('redelivers to a consumer killed in the middle of handling, and each consumer applies the event once', async () => {
    const root = 'kill';
    let a = await startConsumer(consumerEnv(root, 'kill-a', schemas.a, { HANG_FIRST: '1' }));
    await startConsumer(consumerEnv(root, 'kill-b', schemas.b));
    const id = await produce(root, 'kill@1.0.0');
    await withRelay((relay) => relay.flush());
    await a.waitForLine(new RegExp(`^HANDLING ${id}$`), 15_000);
    await a.kill('SIGKILL');
    expect(await applications(schemas.a, id)).toBe(0);
    a = await startConsumer(consumerEnv(root, 'kill-a', schemas.a));
    await a.waitForLine(new RegExp(`^APPLIED ${id} attempt=2$`), 15_000);
    await expectAppliedOnceBy(id, [schemas.a, schemas.b]);
  });

  it('keeps events published before a NATS restart, and delivers them to consumers started after it', async () => {
    const root = 'restart';
    const id = await produce(root, 'restart@1.0.0');
    await withRelay(async (relay) => {
      expect(await relay.flush()).toBe(1);
    });
    await nats.kill();
    await nats.restart();
    await startConsumer(consumerEnv(root, 'restart-a', schemas.a));
    await startConsumer(consumerEnv(root, 'restart-b', schemas.b));
    await expectAppliedOnceBy(id, [schemas.a, schemas.b]);
  });

  it('keeps consumers working across a NATS restart while they are connected', async () => {
    const root = 'reconnect';
    await startConsumer(consumerEnv(root, 'reconnect-a', schemas.a));
    await startConsumer(consumerEnv(root, 'reconnect-b', schemas.b));
    const before = await produce(root, 'reconnect@1.0.0');
    await withRelay((relay) => relay.flush());
    await expectAppliedOnceBy(before, [schemas.a, schemas.b]);
    await nats.kill();
    await nats.restart();
    const after = await produce(root, 'reconnect@1.0.1');
    await waitFor(async () => withRelay(async (relay) => (await relay.flush()) === 1), { timeoutMs: 15_000, intervalMs: 500, message: 'relay publishes after restart' });
    await expectAppliedOnceBy(after, [schemas.a, schemas.b]);
  });

  it('does not duplicate effects when the relay crashes after publishing but before marking the row sent', async () => {
    const root = 'relaycrash';
    await startConsumer(consumerEnv(root, 'relaycrash-a', schemas.a));
    await startConsumer(consumerEnv(root, 'relaycrash-b', schemas.b));
    const id = await produce(root, 'relaycrash@1.0.0');
    const crashing = spawnNode(relayScript, { env: { DATABASE_URL: databaseUrl, SCHEMA: schemas.producer, NATS_URL: nats.url, CRASH_AFTER_PUBLISH: '1' } });
    await crashing.waitForLine(new RegExp(`^PUBLISHED ${id} duplicate=false$`), 30_000);
    expect((await crashing.exited).signal).toBe('SIGKILL');
    const [row] = await producer.query(`SELECT sent_at FROM "${schemas.producer}".outbox WHERE id = $1`, [id]);
    expect(row.sent_at).toBeNull();
    const restarted = spawnNode(relayScript, { env: { DATABASE_URL: databaseUrl, SCHEMA: schemas.producer, NATS_URL: nats.url } });
    await restarted.waitForLine(new RegExp(`^PUBLISHED ${id} duplicate=true$`), 30_000);
    await restarted.waitForLine(/^FLUSHED$/, 10_000);
    const [after] = await producer.query(`SELECT sent_at FROM "${schemas.producer}".outbox WHERE id = $1`, [id]);
    expect(after.sent_at).not.toBeNull();
    await expectAppliedOnceBy(id, [schemas.a, schemas.b]);
  });

  it('publishes nothing for a state change whose transaction rolls back', async () => {
    const before = await producer.query(`SELECT count(*)::int AS n FROM "${schemas.producer}".outbox`);
    await expect(
      producer.transaction(async (tx) => {
        await tx.query(`INSERT INTO "${schemas.producer}".version_state (name) VALUES ('rollback@1.0.0')`);
        await addToOutbox(tx, { subject: 'rollback.version.ingested', schema: 'palisade.v1.VersionIngested', data: new Uint8Array([1]) });
        throw new Error('validation failed after the event was written');
      }),
    ).rejects.toThrow('validation failed');
    expect(await producer.query(`SELECT count(*)::int AS n FROM "${schemas.producer}".outbox`)).toEqual(before);
    expect(await producer.query(`SELECT count(*)::int AS n FROM "${schemas.producer}".version_state WHERE name = 'rollback@1.0.0'`)).toEqual([{ n: 0 }]);
    expect(await withRelay((relay) => relay.flush())).toBe(0);
  });
});

describe('trace context across services', () => {
  it('continues a trace started in the producing service in the consumer process of its event', async () => {
    const telemetry = startTelemetry({ serviceName: 'producer-under-test', exporter: 'memory' });
    try {
      await startConsumer(consumerEnv('trace', 'trace-a', schemas.a, { TELEMETRY: '1' }));
      const { id, traceId } = await trace.getTracer('test').startActiveSpan('publish trace@1.0.0', async (span) => {
        try {
          return { id: await produce('trace', 'trace@1.0.0'), traceId: span.spanContext().traceId };
        } finally {
          span.end();
        }
      });
      await withRelay((relay) => relay.flush());
      await waitFor(async () => (await applications(schemas.a, id)) === 1, { timeoutMs: 15_000, message: 'traced event applied' });
      const [row] = await producer.query(`SELECT trace_id FROM "${schemas.a}".effect WHERE message_id = $1`, [id]);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(row.trace_id).toBe(traceId);
      expect(telemetry.getFinishedSpans().map((s) => s.name)).toContain('publish trace@1.0.0');
    } finally {
      await telemetry.shutdown();
    }
  });
});

describe('outbox → embedded bus, a consumer killed in the middle of handling', () => {
  it('re-leases the delivery after the ack wait and applies the event once', async () => {
    const root = 'embedded';
    const env = (consumer: string, schema: string, extra: Record<string, string> = {}) =>
      consumerEnv(root, consumer, schema, { BUS: 'embedded', BUS_SCHEMA: schemas.bus, ...extra });
    let a = await startConsumer(env('embedded-a', schemas.a, { HANG_FIRST: '1' }));
    await startConsumer(env('embedded-b', schemas.b));
    const bus = await EmbeddedBus.open({ url: databaseUrl, schema: schemas.bus });
    await bus.provision(streams);
    const id = await produce(root, 'embedded@1.0.0');
    await new OutboxRelay(producer, bus).flush();
    await a.waitForLine(new RegExp(`^HANDLING ${id}$`), 15_000);
    await a.kill('SIGKILL');
    a = await startConsumer(env('embedded-a', schemas.a));
    await a.waitForLine(new RegExp(`^APPLIED ${id} attempt=2$`), 15_000);
    await expectAppliedOnceBy(id, [schemas.a, schemas.b]);
    await bus.close();
  });
});

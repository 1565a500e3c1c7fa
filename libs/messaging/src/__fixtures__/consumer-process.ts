// A consumer service in miniature, run as its own process by the fault tests so they can kill it.
// It applies each event through the inbox and records the effect; in HANG_FIRST mode it stops
// forever in the middle of its first transaction, so the test can SIGKILL it there.
import { trace } from '@opentelemetry/api';
import { openServiceStore } from '@palisade/persistence';
import { startTelemetry } from '@palisade/telemetry';
import { EmbeddedBus, JetStreamBus, MESSAGING_MIGRATIONS, applyOnce, type MessageBus } from '../index';
import { EffectTable1764000000100 } from './effect-store';

async function main(): Promise<void> {
  const env = process.env;
  const consumer = env.CONSUMER as string;
  if (env.TELEMETRY === '1') startTelemetry({ serviceName: consumer, exporter: 'none' });
  const db = await openServiceStore({ url: env.DATABASE_URL as string, schema: env.SCHEMA as string, migrations: [...MESSAGING_MIGRATIONS, EffectTable1764000000100] });
  const bus: MessageBus =
    env.BUS === 'embedded'
      ? await EmbeddedBus.open({ url: env.DATABASE_URL as string, schema: env.BUS_SCHEMA, pollIntervalMs: 50 })
      : await JetStreamBus.connect({ servers: env.NATS_URL as string, name: consumer });
  await bus.provision([{ name: env.STREAM as string, subjects: [`${env.SUBJECT_ROOT}.>`] }]);
  await bus.consume(
    { durable: consumer, stream: env.STREAM as string, filterSubject: `${env.SUBJECT_ROOT}.>`, maxDeliver: 5, backoffMs: [100], ackWaitMs: Number(env.ACK_WAIT_MS ?? 2000) },
    async (message) => {
      await applyOnce(db, consumer, message, async (tx) => {
        const traceId = trace.getActiveSpan()?.spanContext().traceId ?? null;
        await tx.query(`INSERT INTO "${env.SCHEMA}".effect (message_id, attempt, trace_id) VALUES ($1, $2, $3)`, [message.id, message.attempt, traceId]);
        if (env.HANG_FIRST === '1' && message.attempt === 1) {
          console.log(`HANDLING ${message.id}`);
          await new Promise(() => undefined);
        }
      });
      console.log(`APPLIED ${message.id} attempt=${message.attempt}`);
    },
  );
  console.log('READY');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

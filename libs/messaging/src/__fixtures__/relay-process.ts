// An outbox relay as its own process. With CRASH_AFTER_PUBLISH=1 it dies by SIGKILL right after
// the broker accepted the first message, before the row is marked sent: the crash the outbox
// design has to survive.
import { openServiceStore } from '@palisade/persistence';
import { JetStreamBus, MESSAGING_MIGRATIONS, OutboxRelay, type MessageBus } from '../index';

async function main(): Promise<void> {
  const env = process.env;
  const db = await openServiceStore({ url: env.DATABASE_URL as string, schema: env.SCHEMA as string, migrations: [...MESSAGING_MIGRATIONS] });
  const real = await JetStreamBus.connect({ servers: env.NATS_URL as string, name: 'relay' });
  const bus: MessageBus = Object.assign(Object.create(real) as MessageBus, {
    publish: async (message: Parameters<MessageBus['publish']>[0]) => {
      const result = await real.publish(message);
      console.log(`PUBLISHED ${message.id} duplicate=${result.duplicate}`);
      if (env.CRASH_AFTER_PUBLISH === '1') process.kill(process.pid, 'SIGKILL');
      return result;
    },
  });
  await real.provision([{ name: 'RELAYCRASH', subjects: ['relaycrash.>'] }]);
  await new OutboxRelay(db, bus).flush();
  console.log('FLUSHED');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

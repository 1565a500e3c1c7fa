import { jetstreamManager } from '@nats-io/jetstream';
import { describeMessageBusContract } from '../bus.contract';
import { JetStreamBus } from './jetstream-bus';

const servers = process.env.PALISADE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

describeMessageBusContract('JetStream', async () => {
  const bus = await JetStreamBus.connect({ servers, name: 'contract-test' });
  const created = new Set<string>();
  const provision = bus.provision.bind(bus);
  bus.provision = async (streams) => {
    streams.forEach((s) => created.add(s.name));
    await provision(streams);
  };
  const reopened: JetStreamBus[] = [];
  return {
    bus,
    reopen: async () => {
      const next = await JetStreamBus.connect({ servers, name: 'contract-test-restarted' });
      reopened.push(next);
      return next;
    },
    cleanup: async () => {
      for (const next of reopened) await next.close();
      const jsm = await jetstreamManager(bus.connection);
      for (const name of created) await jsm.streams.delete(name).catch(() => undefined);
      await bus.close();
    },
  };
});

import { dropSchemas, testDatabaseUrl } from '@palisade/testing';
import { describeMessageBusContract } from '../bus.contract';
import { EmbeddedBus } from './embedded-bus';

const url = testDatabaseUrl;

describeMessageBusContract('embedded (PostgreSQL log)', async () => {
  const schema = `bus_contract_${process.pid}`;
  const bus = await EmbeddedBus.open({ url, schema, pollIntervalMs: 50 });
  return {
    bus,
    cleanup: async () => {
      await bus.close();
      await dropSchemas(url, schema);
    },
  };
});

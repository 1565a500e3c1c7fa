import { DataSource } from 'typeorm';
import { describeMessageBusContract } from '../bus.contract';
import { EmbeddedBus } from './embedded-bus';

const url = process.env.PALISADE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describeMessageBusContract('embedded (PostgreSQL log)', async () => {
  const schema = `bus_contract_${process.pid}`;
  const bus = await EmbeddedBus.open({ url, schema, pollIntervalMs: 50 });
  return {
    bus,
    cleanup: async () => {
      await bus.close();
      const admin = new DataSource({ type: 'postgres', url });
      await admin.initialize();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.destroy();
    },
  };
});

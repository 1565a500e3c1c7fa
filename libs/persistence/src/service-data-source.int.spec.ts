import { Client, type Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropSchemas, testDatabaseUrl, waitFor } from '@palisade/testing';
import { openServiceStore, isStoreReachable, quotedSchemaOf } from './index';

const url = testDatabaseUrl;

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE ${quotedSchemaOf(runner)}.widget (id int PRIMARY KEY)`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.widget`);
  }
}

describe('openServiceStore', () => {
  const schema = `persist_test_${process.pid}`;

  afterAll(() => dropSchemas(url, schema));

  it('creates the schema, runs migrations once even when replicas start together, and stays reachable', async () => {
    const options = { url, schema, migrations: [CreateWidgets1700000000000] };
    const [a, b] = await Promise.all([openServiceStore(options), openServiceStore(options)]);
    await a.query(`INSERT INTO "${schema}".widget VALUES (1)`);
    expect(await b.query(`SELECT count(*)::int AS n FROM "${schema}".widget`)).toEqual([{ n: 1 }]);
    const applied = await a.query(`SELECT name FROM "${schema}".migrations`);
    expect(applied).toEqual([{ name: 'CreateWidgets1700000000000' }]);
    expect(await isStoreReachable(a)).toBe(true);
    await Promise.all([a.destroy(), b.destroy()]);
    expect(await isStoreReachable(a)).toBe(false);
  });

  it('survives a pooled connection dying while nobody queries on it (PostgreSQL stopping), and keeps serving', async () => {
    const store = await openServiceStore({ url, schema });
    const pool = (store.driver as unknown as { master: Pool }).master;
    // Checked out and idle: neither the pool nor a query runner listens to it now.
    const held = await pool.connect();
    const { rows } = await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    } finally {
      await admin.end();
    }
    // The FATAL arrives as an `error` event; unguarded, it is an uncaught exception that fails this test.
    await waitFor(async () => (await held.query('SELECT 1').then(() => false, () => true)), { timeoutMs: 5_000, message: 'the held client failing' });
    held.release(true);
    expect(await store.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    await store.destroy();
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openServiceStore({ url, schema: 'bad"; drop' })).rejects.toMatchObject({ code: 'STORE_SCHEMA_INVALID' });
  });

  it('names the schema when PostgreSQL cannot be reached', async () => {
    await expect(openServiceStore({ url: 'postgres://postgres@127.0.0.1:1/postgres', schema })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropSchemas, testDatabaseUrl } from '@palisade/testing';
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

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openServiceStore({ url, schema: 'bad"; drop' })).rejects.toMatchObject({ code: 'STORE_SCHEMA_INVALID' });
  });

  it('names the schema when PostgreSQL cannot be reached', async () => {
    await expect(openServiceStore({ url: 'postgres://postgres@127.0.0.1:1/postgres', schema })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

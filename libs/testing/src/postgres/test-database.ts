import { Client } from 'pg';

/** The PostgreSQL integration tests use: the machine's own unless PALISADE_TEST_DATABASE_URL says otherwise. */
export const testDatabaseUrl: string = process.env.PALISADE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Drops a schema a test created (and everything in it); absent schemas are fine. */
export async function dropSchemas(url: string, ...schemas: string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}

import { Client } from 'pg';
import { registerCleanup } from '../cleanup';

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

/**
 * A fresh database on the test server for one test file, dropped by `runCleanups`. Services own
 * fixed schema names (`palisade_<service>`), so a file that boots real services gets its own database.
 */
export async function createTestDatabase(prefix: string, serverUrl: string = testDatabaseUrl): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  registerCleanup(async () => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort, isPortOpen, registerCleanup, runCleanups, spawnNode, tempDir, waitFor, type ChildHandle } from '@palisade/testing';

// `npm start` as a supervisor runs it: the embedded PostgreSQL must go with the app on every
// exit path, and the next start on the same data folder must work and keep the data.
afterAll(runCleanups);

const main = resolve(__dirname, 'main.ts');

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function startPalisade(dataDir: string, pgPort: number): Promise<{ app: ChildHandle; postmaster: number; url: string }> {
  const port = await freePort();
  const app = spawnNode(main, {
    env: { PALISADE_LOG_LEVEL: 'info', PALISADE_BOOTSTRAP_TOKEN: `pal_lifecycle_${process.pid}`, PALISADE_DATA_DIR: dataDir, PALISADE_PORT: String(port), PALISADE_EMBEDDED_POSTGRES_PORT: String(pgPort) },
  });
  await app.waitForLine(/Palisade is running/, 120_000);
  const postmaster = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  registerCleanup(async () => {
    if (isAlive(postmaster)) process.kill(-postmaster, 'SIGKILL');
  });
  const password = (await readFile(join(dataDir, 'postgres.password'), 'utf8')).trim();
  return { app, postmaster, url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/palisade` };
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('embedded Palisade and its PostgreSQL', () => {
  it('takes PostgreSQL down with it when SIGKILLed or sent SIGTERM, and starts again on the same folder with the data', async () => {
    const dataDir = await tempDir('palisade-lifecycle-');
    const pgPort = await freePort();
    const first = await startPalisade(dataDir, pgPort);
    await query(first.url, 'create table lifecycle_mark (v text)');
    await query(first.url, "insert into lifecycle_mark values ('kept')");

    await first.app.kill('SIGKILL');
    await waitFor(() => !isAlive(first.postmaster), { timeoutMs: 5_000, message: `PostgreSQL ${first.postmaster} outlived a SIGKILLed Palisade` });
    expect(await isPortOpen(pgPort)).toBe(false);

    const second = await startPalisade(dataDir, pgPort);
    expect(await query(second.url, 'select v from lifecycle_mark')).toEqual([{ v: 'kept' }]);

    const stopping = Date.now();
    const exit = await second.app.kill('SIGTERM');
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
    expect(isAlive(second.postmaster)).toBe(false);
  });
});

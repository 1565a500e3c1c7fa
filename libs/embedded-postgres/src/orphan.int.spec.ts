import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort, isPortOpen, registerCleanup, runCleanups, spawnNode, tempDir, waitFor } from '@palisade/testing';
import { startEmbeddedPostgresServer } from './server';
import { clearStaleServer, isProcessAlive } from './stale-server';

afterAll(runCleanups);

const fixture = resolve(__dirname, '__fixtures__/server-process.ts');

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Starts the app fixture (embedded PostgreSQL in a process of its own); returns it and the postmaster's pid. */
async function startApp(dataDir: string, port: number, extra: Record<string, string> = {}) {
  const app = spawnNode(fixture, { env: { DATA_DIR: dataDir, PORT: String(port), PASSWORD: 'pw', ...extra } });
  const line = await app.waitForLine(/^READY \d+$/, 60_000);
  const postmaster = Number(/READY (\d+)/.exec(line)?.[1]);
  registerCleanup(async () => {
    if (isProcessAlive(postmaster)) process.kill(-postmaster, 'SIGKILL');
  });
  return { app, postmaster, url: `postgres://postgres:pw@127.0.0.1:${port}/postgres` };
}

describe('the embedded PostgreSQL never outlives its app', () => {
  it('is stopped within seconds when the app is SIGKILLed, and the next start on the folder keeps the data', async () => {
    const dataDir = join(await tempDir('palisade-pg-orphan-'), 'cluster');
    const port = await freePort();
    const { app, postmaster, url } = await startApp(dataDir, port);
    await query(url, 'create table kept (v text)');
    await query(url, "insert into kept values ('before the kill')");

    await app.kill('SIGKILL');
    await waitFor(() => !isProcessAlive(postmaster), { timeoutMs: 5_000, message: `postmaster ${postmaster} outlived its app` });
    expect(await isPortOpen(port)).toBe(false);

    const next = await startEmbeddedPostgresServer({ dataDir, port, password: 'pw', fsync: false });
    try {
      expect(await query(next.url, 'select v from kept')).toEqual([{ v: 'before the kill' }]);
    } finally {
      await next.stop();
    }
  });

  it('shuts down a server orphaned by an app without a watchdog before starting on its folder', async () => {
    const dataDir = join(await tempDir('palisade-pg-stale-'), 'cluster');
    const port = await freePort();
    const { app, postmaster, url } = await startApp(dataDir, port, { WATCHDOG: '0' });
    await query(url, 'create table kept (v text)');
    await query(url, "insert into kept values ('orphaned')");
    await app.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(isProcessAlive(postmaster)).toBe(true);

    const log: string[] = [];
    const next = await startEmbeddedPostgresServer({ dataDir, port, password: 'pw', fsync: false, onLog: (line) => log.push(line) });
    try {
      expect(isProcessAlive(postmaster)).toBe(false);
      expect(log.join('\n')).toContain(`PostgreSQL ${postmaster} still serves`);
      expect(await query(next.url, 'select v from kept')).toEqual([{ v: 'orphaned' }]);
    } finally {
      await next.stop();
    }
  });
});

describe('clearStaleServer', () => {
  it('does nothing without a pid file, and removes one whose process is gone or is not PostgreSQL', async () => {
    const dir = await tempDir('palisade-pg-pidfile-');
    expect(await clearStaleServer(dir)).toBe('none');
    await writeFile(join(dir, 'postmaster.pid'), '2147483646\n/data\n');
    expect(await clearStaleServer(dir)).toBe('removed-pid-file');
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
    // A live process that is not PostgreSQL: the pid was reused, the file is stale.
    await writeFile(join(dir, 'postmaster.pid'), `${process.pid}\n/data\n`);
    expect(await clearStaleServer(dir)).toBe('removed-pid-file');
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
  });
});

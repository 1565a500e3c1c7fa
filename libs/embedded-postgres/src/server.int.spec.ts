import { chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, isPortOpen, registerCleanup, runCleanups, tempDir } from '@palisade/testing';
import { EmbeddedPostgresOptions, startEmbeddedPostgresServer } from './server';

afterAll(runCleanups);

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function start(options: EmbeddedPostgresOptions) {
  const server = await startEmbeddedPostgresServer(options);
  registerCleanup(() => server.stop());
  return server;
}

/** A data dir below a folder only its owner may enter, the way a checkout under /root is. */
async function privateDataDir(): Promise<string> {
  const parent = await tempDir('palisade-pg-private-');
  await chmod(parent, 0o700);
  return join(parent, 'nested', 'cluster');
}

describe('startEmbeddedPostgresServer', () => {
  it('serves a data dir under a private folder: fsync on, loopback only, no socket, rows kept across a stop', async () => {
    const dataDir = await privateDataDir();
    const port = await freePort();
    const password = 'pw/with:odd@chars';
    const log: string[] = [];
    const first = await start({ dataDir, port, password, onLog: (line) => log.push(line) });
    expect(first.url).toBe(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`);
    expect(first.dataDir).toBe(dataDir);
    const settings = await query(
      first.url,
      "select current_setting('fsync') as fsync, current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets",
    );
    expect(settings).toEqual([{ fsync: 'on', listen: '127.0.0.1', sockets: '' }]);
    expect(log.join('\n')).toMatch(/database system is ready to accept connections/);
    if (process.getuid?.() === 0) {
      // PostgreSQL's own user owns the cluster, and no folder above it was opened up for that.
      const cluster = await stat(dataDir);
      expect(cluster.uid).not.toBe(0);
      expect(cluster.mode & 0o777).toBe(0o700);
      expect((await stat(join(dataDir, '..', '..'))).mode & 0o777).toBe(0o700);
      // Its user cannot walk there by path, so it was handed the folder as its working directory.
      expect(await query(first.url, 'show data_directory')).toEqual([{ data_directory: '/proc/self/cwd' }]);
    }
    await query(first.url, 'create table kept (v text)');
    await query(first.url, 'insert into kept values ($1)', ['before stop']);

    await first.stop();
    expect(await first.process.exited).toEqual({ code: 0, signal: null });
    expect(first.process.isRunning()).toBe(false);
    expect(await isPortOpen(port)).toBe(false);

    const second = await start({ dataDir, port, password });
    expect(await query(second.url, 'select v from kept')).toEqual([{ v: 'before stop' }]);
    await second.stop();
  });

  it('recovers committed rows after a crash and restarts at once on the same port', async () => {
    const dataDir = await privateDataDir();
    const port = await freePort();
    const first = await start({ dataDir, port, password: 'pw', fsync: false });
    await query(first.url, 'create table marks (id int primary key)');
    await query(first.url, 'insert into marks values (1), (2)');
    await first.kill();
    expect(first.process.isRunning()).toBe(false);
    expect(await isPortOpen(port)).toBe(false);

    const log: string[] = [];
    const second = await start({ dataDir, port, password: 'pw', fsync: false, onLog: (line) => log.push(line) });
    expect(await query(second.url, 'select id from marks order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(log.join('\n')).toMatch(/not properly shut down|automatic recovery/);
  });

  it('refuses to serve an existing data dir with another password, and leaves nothing running', async () => {
    const dataDir = await privateDataDir();
    const port = await freePort();
    const first = await start({ dataDir, port, password: 'right', fsync: false });
    await first.stop();
    await expect(startEmbeddedPostgresServer({ dataDir, port, password: 'wrong' })).rejects.toMatchObject({
      code: 'EMBEDDED_POSTGRES_AUTH_FAILED',
      message: expect.stringContaining(dataDir),
    });
    expect(await isPortOpen(port)).toBe(false);
  });

  it('names the folder it cannot create', async () => {
    const base = await tempDir('palisade-pg-blocked-');
    await writeFile(join(base, 'a-file'), 'not a folder');
    const dataDir = join(base, 'a-file', 'cluster');
    await expect(startEmbeddedPostgresServer({ dataDir, port: await freePort(), password: 'pw' })).rejects.toMatchObject({
      code: 'EMBEDDED_POSTGRES_DATA_DIR_UNREACHABLE',
      message: expect.stringContaining(dataDir),
    });
  });

  it('rejects options that cannot work before touching anything', async () => {
    await expect(startEmbeddedPostgresServer({ dataDir: '/nonexistent/x', port: 0, password: 'a\nb' })).rejects.toMatchObject({
      code: 'EMBEDDED_POSTGRES_BAD_OPTIONS',
      message: expect.stringMatching(/port 0 .*password must be one non-empty line/),
    });
  });
});

import { stat } from 'node:fs/promises';
import { Client } from 'pg';
import { runCleanups } from '../cleanup';
import { isPortOpen } from '../free-port';
import { PostgresHandle, startPostgres } from './postgres-server';

afterAll(runCleanups);

async function query<T>(server: PostgresHandle, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  it('keeps committed rows across a clean restart and across a crash (SIGKILL)', async () => {
    const server = await startPostgres();
    expect(server.url).toBe(`postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`);
    expect(server.port).not.toBe(5432);

    await query(server, 'create table marks (id int primary key, note text not null)');
    await query(server, 'insert into marks values ($1, $2)', [1, 'before restart']);

    await server.restart();
    expect(await query(server, 'select id, note from marks')).toEqual([{ id: 1, note: 'before restart' }]);

    await query(server, 'insert into marks values ($1, $2)', [2, 'before crash']);
    await server.kill();
    expect(server.process().isRunning()).toBe(false);
    expect(await isPortOpen(server.port)).toBe(false);

    await server.restart();
    expect(await query(server, 'select id from marks order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(server.process().stderr.join('\n')).toMatch(/not properly shut down|automatic recovery/);
  });

  it('serves the data dir it was given, with the password it was given, and refuses a wrong one', async () => {
    const first = await startPostgres({ password: 's3cret/pw' });
    expect(first.url).toContain(':s3cret%2Fpw@');
    await query(first, 'create table kept (v text)');
    await query(first, "insert into kept values ('x')");
    const [{ data_directory }] = await query<{ data_directory: string }>(first, 'show data_directory');
    expect(data_directory).toBe(first.dataDir);
    await first.stop();

    const second = await startPostgres({ dataDir: first.dataDir, password: 's3cret/pw' });
    expect(await query(second, 'select v from kept')).toEqual([{ v: 'x' }]);
    const wrong = new Client({ connectionString: second.url.replace('s3cret%2Fpw', 'nope') });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    await second.stop();
    await expect(stat(first.dataDir)).resolves.toBeDefined();
  });
});

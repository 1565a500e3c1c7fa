import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { isPalisadeError } from '@palisade/errors';
import { runCleanups } from '../cleanup';
import { isPortOpen } from '../free-port';
import { NatsServerHandle, startNatsServer } from './nats-server';

afterAll(runCleanups);

async function withConnection<T>(server: NatsServerHandle, work: (nc: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: server.url, reconnect: false });
  try {
    return await work(nc);
  } finally {
    await nc.close();
  }
}

async function streamState(server: NatsServerHandle, name: string): Promise<{ messages: number; subjects: string[] }> {
  return withConnection(server, async (nc) => {
    const info = await (await jetstreamManager(nc)).streams.info(name);
    return { messages: info.state.messages, subjects: info.config.subjects };
  });
}

describe('startNatsServer', () => {
  it('keeps JetStream streams and messages across a crash (SIGKILL) and a graceful stop', async () => {
    const server = await startNatsServer({ jetstream: true });
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(4222);

    await withConnection(server, async (nc) => {
      await (await jetstreamManager(nc)).streams.add({ name: 'FAULTS', subjects: ['faults.>'] });
      await jetstream(nc).publish('faults.one', 'payload', { msgID: 'm-1' });
    });

    await server.kill();
    expect(server.process().isRunning()).toBe(false);
    expect(await isPortOpen(server.port)).toBe(false);

    await server.restart();
    expect(await streamState(server, 'FAULTS')).toEqual({ messages: 1, subjects: ['faults.>'] });

    await server.stop();
    // nats-server exits with code 1 even after a clean SIGTERM shutdown; its log tells them apart.
    expect((await server.process().exited).signal).toBeNull();
    expect(server.process().stderr.join('\n')).toContain('Server Exiting');
    await server.restart();
    expect(await streamState(server, 'FAULTS')).toEqual({ messages: 1, subjects: ['faults.>'] });
  });

  it('runs servers side by side, each with its own store', async () => {
    const [a, b] = await Promise.all([startNatsServer(), startNatsServer()]);
    expect(a.port).not.toBe(b.port);
    expect(a.storeDir).not.toBe(b.storeDir);
    await withConnection(a, async (nc) => {
      await (await jetstreamManager(nc)).streams.add({ name: 'ONLY_A', subjects: ['a.>'] });
    });
    const missing: unknown = await streamState(b, 'ONLY_A').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Error);
    expect(String(missing)).toMatch(/stream not found/i);
  });

  it('fails with a clear code when the binary cannot start', async () => {
    const failure: unknown = await startNatsServer({ binary: '/nonexistent/nats-server' }).catch((e: unknown) => e);
    expect(isPalisadeError(failure) && failure.code).toBe('TESTING_NATS_START_FAILED');
    expect(String((failure as Error).cause)).toContain('ENOENT');
  });
});

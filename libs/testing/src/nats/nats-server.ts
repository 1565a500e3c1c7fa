import { mkdir } from 'node:fs/promises';
import { registerCleanup, tempDir } from '../cleanup';
import { TestingError } from '../errors';
import { freePort, isPortOpen } from '../free-port';
import { ChildHandle, spawnChild, terminate } from '../process/child-handle';
import { waitFor } from '../wait-for';
import { resolveNatsServerBinary } from './nats-binary';

export interface NatsServerOptions {
  jetstream?: boolean;
  /** JetStream store; a fresh temp dir (removed by `runCleanups`) when omitted. */
  storeDir?: string;
  port?: number;
  /** Overrides the binary lookup (`NATS_SERVER_BIN`, PATH, /usr/sbin/nats-server). */
  binary?: string;
  startTimeoutMs?: number;
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>`, stable across restarts. */
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** The running server's captured log (a new process after each restart). */
  process(): ChildHandle;
  /** Graceful stop: SIGTERM, resolves once the process has exited. */
  stop(): Promise<void>;
  /** Crash: SIGKILL, no shutdown work (JetStream must recover from its files). */
  kill(): Promise<void>;
  /** Stops if running, then starts again on the same port and store dir. */
  restart(): Promise<void>;
}

const READY_LINE = /Server is ready/;

async function launch(binary: string, port: number, storeDir: string, jetstream: boolean, timeoutMs: number): Promise<ChildHandle> {
  const args = ['-a', '127.0.0.1', '-p', String(port), ...(jetstream ? ['-js', '-sd', storeDir] : [])];
  const child = spawnChild(binary, args);
  try {
    await child.waitForLine(READY_LINE, timeoutMs);
    await waitFor(() => isPortOpen(port), { timeoutMs, message: `nats-server did not accept TCP on ${port}` });
    return child;
  } catch (e: unknown) {
    await child.kill('SIGKILL');
    throw new TestingError('TESTING_NATS_START_FAILED', `nats-server on port ${port} did not start`, { cause: e });
  }
}

/** Starts a private nats-server on a loopback port, so a test can kill it without touching the shared one. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const { jetstream = true, startTimeoutMs = 15_000 } = options;
  const binary = options.binary ?? resolveNatsServerBinary();
  const storeDir = options.storeDir ?? (await tempDir('palisade-nats-'));
  await mkdir(storeDir, { recursive: true });
  const port = options.port ?? (await freePort());
  let child = await launch(binary, port, storeDir, jetstream, startTimeoutMs);

  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    await terminate(child, signal);
  };
  registerCleanup(() => stopWith('SIGKILL'));

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    process: () => child,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    restart: async () => {
      await stopWith('SIGTERM');
      child = await launch(binary, port, storeDir, jetstream, startTimeoutMs);
    },
  };
}

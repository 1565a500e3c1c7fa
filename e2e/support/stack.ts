import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import S3rver from '@20minutes/s3rver';
import {
  createTestDatabase,
  freePort,
  registerCleanup,
  spawnNode,
  startNatsServer,
  tempDir,
  waitFor,
  type ChildHandle,
  type NatsServerHandle,
} from '@palisade/testing';

export type StackMode = 'distributed' | 'embedded';

export interface Stack {
  mode: StackMode;
  /** Gateway base URL, no trailing slash. */
  baseUrl: string;
  /** Registry URL of a view, as npm wants it (trailing slash). */
  registry(view?: string): string;
  adminToken: string;
  /** Where the alerts go: the stack's NATS (distributed) or the embedded bus's database (embedded). */
  bus: { natsUrl: string } | { embeddedDatabaseUrl: string };
  /** How many tarballs the blob store holds (filesystem or S3), to show a refusal stored nothing. */
  blobCount(): Promise<number>;
  /** Every process of the stack, for assertions on logs. */
  processes(): ChildHandle[];
  /** Distributed mode: the stack's private nats-server (fault tests stop and restart it). */
  nats?: NatsServerHandle;
  /**
   * Distributed mode: kills one service with `signal` (as a crash or an operator would) and starts
   * it again on the same database, bus and ports' configuration (the gateway on its same port).
   * Embedded mode has no such seam: see `restartServer`.
   */
  restartService(service: StackService, signal?: NodeJS.Signals): Promise<void>;
  /** Embedded mode: kills the `npm start` process with `signal` and starts it again on the same data folder and ports. */
  restartServer(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

const repo = resolve(__dirname, '../..');
const SERVICES = ['ingest', 'scanning', 'signing', 'promotion', 'recall', 'gateway'] as const;
export type StackService = (typeof SERVICES)[number];
const PORT_VARIABLE: Record<StackService, string> = {
  gateway: 'PALISADE_PORT',
  ingest: 'PALISADE_INGEST_PORT',
  scanning: 'PALISADE_SCANNING_PORT',
  signing: 'PALISADE_SIGNING_PORT',
  promotion: 'PALISADE_PROMOTION_PORT',
  recall: 'PALISADE_RECALL_PORT',
};

/**
 * Spawns a process on free loopback ports and waits for its start line. A port found free can be
 * taken before the process binds it (parallel test files, npm's outgoing connections): on
 * EADDRINUSE it starts again on other ports.
 */
async function startOnFreePorts(count: number, spawn: (ports: number[]) => ChildHandle, started: RegExp): Promise<ChildHandle> {
  for (let attempt = 1; ; attempt += 1) {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) ports.push(await freePort());
    const child = spawn(ports);
    try {
      await child.waitForLine(started, 120_000);
      return child;
    } catch (error: unknown) {
      if (attempt >= 3 || !/EADDRINUSE|[Aa]ddress already in use/.test(String((error as Error).message))) throw error;
    }
  }
}

export interface StackOptions {
  /** Distributed mode: a PostgreSQL database of the caller's (e.g. a private server a fault test stops) instead of a fresh one on the test server. */
  databaseUrl?: string;
}

/**
 * Boots Palisade for an e2e test file. Distributed: each service its own process on a NATS
 * server of the test's own, a fresh PostgreSQL database and S3 (s3rver). Embedded: `npm start`'s
 * entry point, with its own embedded PostgreSQL and data folder.
 */
export async function startStack(mode: StackMode, extraEnv: Record<string, string> = {}, options: StackOptions = {}): Promise<Stack> {
  const adminToken = `pal_e2e_admin_${process.pid}_${Date.now()}`;
  const dataDir = await tempDir('palisade-e2e-');
  const common = { PALISADE_LOG_LEVEL: 'info', PALISADE_BOOTSTRAP_TOKEN: adminToken, PALISADE_DATA_DIR: dataDir, ...extraEnv };
  const children: ChildHandle[] = [];
  let blobRoot = join(dataDir, 'blobs', 'sha512');
  let bus: Stack['bus'];
  let gatewayPort = 0;
  const startService = new Map<StackService, (samePort?: number) => Promise<ChildHandle>>();
  let nats: NatsServerHandle | undefined;
  const embeddedStarted = /Palisade is running/;
  const spawnEmbedded = (port: number, pgPort: number) =>
    spawnNode(resolve(repo, 'apps/embedded/src/main.ts'), { env: { ...common, PALISADE_PORT: String(port), PALISADE_EMBEDDED_POSTGRES_PORT: String(pgPort) } });
  let postgresPort = 0;
  if (mode === 'embedded') {
    children.push(
      await startOnFreePorts(2, ([port, pgPort]) => {
        [gatewayPort, postgresPort] = [port, pgPort];
        return spawnEmbedded(port, pgPort);
      }, embeddedStarted),
    );
    const password = (await readFile(join(common.PALISADE_DATA_DIR, 'postgres.password'), 'utf8')).trim();
    bus = { embeddedDatabaseUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${postgresPort}/palisade` };
  } else {
    nats = await startNatsServer({ jetstream: true });
    bus = { natsUrl: nats.url };
    const databaseUrl = options.databaseUrl ?? (await createTestDatabase('e2e'));
    const s3Port = await freePort();
    const s3Dir = await tempDir('palisade-e2e-s3-');
    blobRoot = join(s3Dir, 'palisade-blobs', 'sha512');
    const s3 = new S3rver({ port: s3Port, address: '127.0.0.1', silent: true, directory: s3Dir });
    await s3.run();
    registerCleanup(() => s3.close());
    const env = {
      ...common,
      PALISADE_NATS_URL: nats.url,
      PALISADE_DATABASE_URL: databaseUrl,
      PALISADE_BLOB_STORE: 's3',
      PALISADE_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      PALISADE_S3_ACCESS_KEY: 'S3RVER',
      PALISADE_S3_SECRET_KEY: 'S3RVER',
      // A standalone signing service refuses to start without a key-encryption key from outside its data folder.
      PALISADE_SIGNING_KEK: randomBytes(32).toString('base64'),
    };
    for (const service of SERVICES) {
      const spawnService = (port: number) => spawnNode(resolve(repo, `services/${service}/src/main.ts`), { env: { ...env, [PORT_VARIABLE[service]]: String(port) } });
      const started = new RegExp(`"msg":"${service} started"`);
      const start = async (samePort?: number) => {
        if (samePort === undefined) {
          return startOnFreePorts(1, ([port]) => {
            if (service === 'gateway') gatewayPort = port;
            return spawnService(port);
          }, started);
        }
        const child = spawnService(samePort);
        await child.waitForLine(started, 120_000);
        return child;
      };
      startService.set(service, start);
      children.push(await start());
    }
  }
  const baseUrl = `http://127.0.0.1:${gatewayPort}`;
  await waitFor(async () => (await fetch(`${baseUrl}/readyz`)).status === 200, { timeoutMs: 30_000, message: 'gateway ready' });
  return {
    mode,
    baseUrl,
    registry: (view = 'dev') => `${baseUrl}/${view}/`,
    adminToken: common.PALISADE_BOOTSTRAP_TOKEN,
    bus,
    blobCount: async () => {
      const files = await readdir(blobRoot, { recursive: true, withFileTypes: true }).catch(() => []);
      // s3rver keeps each object as `<key>._S3rver_object` beside its metadata files.
      return files.filter((f) => f.isFile() && (mode === 'embedded' || f.name.endsWith('._S3rver_object'))).length;
    },
    processes: () => children,
    nats,
    restartService: async (service, signal = 'SIGKILL') => {
      const start = startService.get(service);
      if (!start) throw new Error(`cannot restart ${service} in ${mode} mode`);
      const index = SERVICES.indexOf(service);
      await children[index].kill(signal);
      // Clients keep the gateway's URL: it comes back on the port it had.
      children[index] = await start(service === 'gateway' ? gatewayPort : undefined);
    },
    restartServer: async (signal = 'SIGKILL') => {
      if (mode !== 'embedded') throw new Error(`cannot restart the embedded server in ${mode} mode`);
      await children[0].kill(signal);
      const next = spawnEmbedded(gatewayPort, postgresPort);
      children[0] = next;
      await next.waitForLine(embeddedStarted, 120_000);
    },
    stop: async () => {
      for (const child of children.reverse()) await child.kill('SIGTERM');
    },
  };
}

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EmbeddedBus } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { FileSystemBlobStore } from '@palisade/storage';
import { createTestDatabase, freePort, registerCleanup, tempDir } from '@palisade/testing';
import { gatewayService } from '../../gateway.service';
import { FakeIngest } from './fake-ingest';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON (undefined when it is not JSON). */
  json: Record<string, unknown> & { error?: string };
}

export interface GatewayHarness {
  service: RunningService;
  bus: EmbeddedBus;
  blobs: FileSystemBlobStore;
  /** Ingest and promotion faked on the bus (started unless `fakeIngest: false`). */
  ingest: FakeIngest;
  adminToken: string;
  databaseUrl: string;
  /** `http://host:port` (views are path prefixes: `${origin}/dev`). */
  origin: string;
  call(method: string, path: string, options?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** Creates a user (as the admin) and answers a login token of theirs. */
  createUser(name: string): Promise<string>;
  /** Another token of a user, e.g. `{ readonly: true }` or `{ scopes: ['@acme'] }` (`npm token create`). */
  createToken(user: string, grant: Record<string, unknown>): Promise<string>;
  /** A second gateway process on the same database and bus: another replica. */
  startReplica(): Promise<RunningService>;
}

/**
 * Boots the real gateway in-process on the embedded bus, in a database of its own (its schema name
 * is fixed), with a fake ingest/promotion answering on the bus. Everything is undone by `runCleanups`.
 */
export async function startGatewayHarness(database: string, env: Record<string, string> = {}, options: { fakeIngest?: boolean } = {}): Promise<GatewayHarness> {
  const databaseUrl = await createTestDatabase(database);
  const bus = await EmbeddedBus.open({ url: databaseUrl, schema: 'palisade_bus', pollIntervalMs: 50 });
  registerCleanup(() => bus.close());
  const dataDir = await tempDir('gw-packages-');
  const blobs = new FileSystemBlobStore({ root: join(dataDir, 'blobs') });
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  const boot = async () => {
    const service = await startService(gatewayService, {
      bus,
      blobStore: blobs,
      telemetry: false,
      env: {
        PALISADE_DATABASE_URL: databaseUrl,
        PALISADE_PORT: String(await freePort()),
        PALISADE_DATA_DIR: dataDir,
        PALISADE_BOOTSTRAP_TOKEN: adminToken,
        PALISADE_LOG_LEVEL: 'warn',
        ...env,
      },
      // PALISADE_TEST_LOGS=1 shows the gateway's log lines when a test needs explaining.
      logDestination: new Writable({ write: (chunk, _enc, done) => void (process.env.PALISADE_TEST_LOGS && process.stderr.write(chunk), done()) }),
    });
    registerCleanup(() => service.stop());
    return service;
  };
  const service = await boot();
  const ingest = new FakeIngest(bus, blobs);
  if (options.fakeIngest !== false) {
    await ingest.start();
    registerCleanup(() => ingest.stop());
  }

  const call: GatewayHarness['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${service.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    let json: Reply['json'] = {};
    try {
      json = JSON.parse(text) as Reply['json'];
    } catch {
      // not JSON (a tarball, an empty 304)
    }
    return { status: response.status, headers: response.headers, text, json };
  };

  const passwords = new Map<string, string>();
  const tokens = new Map<string, string>();
  const createUser = async (name: string) => {
    const password = `${name}-pass-${randomBytes(8).toString('hex')}`;
    const reply = await call('PUT', `/-/user/org.couchdb.user:${name}`, {
      token: adminToken,
      body: { _id: `org.couchdb.user:${name}`, name, password, email: `${name}@example.test`, type: 'user', roles: [] },
    });
    if (reply.status !== 201 || typeof reply.json.token !== 'string') throw new Error(`could not create ${name}: ${reply.status} ${reply.text}`);
    passwords.set(name, password);
    tokens.set(name, reply.json.token);
    return reply.json.token;
  };

  const createToken = async (user: string, grant: Record<string, unknown>) => {
    const reply = await call('POST', '/-/npm/v1/tokens', { token: tokens.get(user), body: { password: passwords.get(user), ...grant } });
    if (reply.status !== 201 || typeof reply.json.token !== 'string') throw new Error(`could not create a token for ${user}: ${reply.status} ${reply.text}`);
    return reply.json.token;
  };

  return { service, bus, blobs, ingest, adminToken, databaseUrl, origin: service.url, call, createUser, createToken, startReplica: boot };
}

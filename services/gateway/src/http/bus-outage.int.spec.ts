import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { JetStreamBus } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { FileSystemBlobStore } from '@palisade/storage';
import { createTestDatabase, freePort, registerCleanup, runCleanups, startNatsServer, tempDir, waitFor, type NatsServerHandle } from '@palisade/testing';
import { gatewayService } from '../gateway.service';
import { FakeIngest } from '../packages/__fixtures__/fake-ingest';
import { packTarball, publishBody } from '../packages/__fixtures__/publish-body';

// The real gateway on JetStream (a private nats-server this test stops and starts again), with
// ingest faked on the same server: while NATS is away, what needs a command answers 503 at once
// and what the read model serves keeps working.
let nats: NatsServerHandle;
let gateway: RunningService;
let ingest: FakeIngest;
let ingestBus: JetStreamBus;
let adminToken: string;
let alice: string;
const logs: Array<{ level: string; msg: string }> = [];
const widget = '@acme/widget';
const widgetPath = '/@acme%2fwidget';

async function call(method: string, path: string, options: { body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${gateway.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text || '{}') as Record<string, unknown> };
}

const publish = async (version: string) => call('PUT', `/dev${widgetPath}`, { token: alice, body: publishBody(widget, version, await packTarball({ name: widget, version })) });
const linesSaying = (text: string) => logs.filter((line) => line.msg.startsWith(text));

beforeAll(async () => {
  nats = await startNatsServer();
  const databaseUrl = await createTestDatabase(`gw_bus_outage_${process.pid}`);
  const dataDir = await tempDir('gw-bus-outage-');
  const blobs = new FileSystemBlobStore({ root: join(dataDir, 'blobs') });
  adminToken = `admin-${randomBytes(16).toString('hex')}`;
  gateway = await startService(gatewayService, {
    blobStore: blobs,
    telemetry: false,
    env: {
      PALISADE_NATS_URL: nats.url,
      PALISADE_DATABASE_URL: databaseUrl,
      PALISADE_PORT: String(await freePort()),
      PALISADE_DATA_DIR: dataDir,
      PALISADE_BOOTSTRAP_TOKEN: adminToken,
      PALISADE_LOG_LEVEL: 'info',
    },
    logDestination: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line) as { level: string; msg: string });
        done();
      },
    }),
  });
  registerCleanup(() => gateway.stop());
  ingestBus = await JetStreamBus.connect({ servers: nats.url, name: 'fake-ingest' });
  registerCleanup(() => ingestBus.close());
  ingest = await new FakeIngest(ingestBus, blobs).start();
  registerCleanup(() => ingest.stop());

  const password = `alice-pass-${randomBytes(8).toString('hex')}`;
  const created = await call('PUT', '/-/user/org.couchdb.user:alice', {
    token: adminToken,
    body: { _id: 'org.couchdb.user:alice', name: 'alice', password, email: 'alice@example.test', type: 'user', roles: [] },
  });
  expect(created.status).toBe(201);
  alice = created.json.token as string;
  expect((await publish('1.0.0')).status).toBe(201);
  await waitFor(async () => (await call('GET', `/dev${widgetPath}`)).status === 200, { timeoutMs: 15_000, message: 'the first version never became visible' });
});

afterAll(() => runCleanups());

describe('the gateway while NATS is down', () => {
  it('refuses commands at once with 503, Retry-After and PAL_ERR_BUS_UNAVAILABLE, serves reads, and recovers when NATS is back', async () => {
    await nats.stop();
    await waitFor(() => !gateway.bus.health().connected, { timeoutMs: 15_000, message: 'the gateway did not notice NATS went away' });

    const refused = await publish('1.1.0');
    expect([refused.status, refused.headers.get('retry-after'), refused.json.code]).toEqual([503, '5', 'PAL_ERR_BUS_UNAVAILABLE']);
    expect(refused.json.error).toContain('message bus is disconnected');
    expect(ingest.requests.map((r) => r.version)).toEqual(['1.0.0']);

    // An admin command (promotion status, as the administrator) fails the same way.
    const status = await call('GET', `/-/palisade/v1/status/${encodeURIComponent(widget)}`, { token: adminToken });
    expect([status.status, status.headers.get('retry-after'), status.json.code]).toEqual([503, '5', 'PAL_ERR_BUS_UNAVAILABLE']);
    // So does the dead-letter queue, which lives on the broker.
    const deadLetters = await call('GET', '/-/palisade/v1/dead-letters', { token: adminToken });
    expect([deadLetters.status, deadLetters.headers.get('retry-after'), deadLetters.json.code]).toEqual([503, '5', 'PAL_ERR_BUS_UNAVAILABLE']);

    // Reads come from the gateway's own read model and blob store.
    const packument = await call('GET', `/dev${widgetPath}`);
    expect(packument.status).toBe(200);
    expect(Object.keys(packument.json.versions as object)).toEqual(['1.0.0']);
    const tarball = await fetch(`${gateway.url}/dev/@acme/widget/-/widget-1.0.0.tgz`);
    expect(tarball.status).toBe(200);
    await tarball.arrayBuffer();

    await nats.restart();
    await waitFor(() => gateway.bus.health().connected, { timeoutMs: 30_000, message: 'the gateway did not reconnect to NATS' });
    await waitFor(() => ingestBus.health().connected, { timeoutMs: 30_000, message: 'the fake ingest did not reconnect' });

    const accepted = await publish('1.1.0');
    expect(accepted.status).toBe(201);
    expect(ingest.requests.map((r) => r.version)).toEqual(['1.0.0', '1.1.0']);

    // One warn line when the connection went, one info line when it came back; none per refused request.
    expect(linesSaying('NATS connection lost').map((l) => l.level)).toEqual(['warn']);
    expect(linesSaying('NATS connection restored').map((l) => l.level)).toEqual(['info']);
    expect(logs.filter((l) => l.msg.includes('message bus is disconnected'))).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createTestDatabase, tempDir, freePort, runCleanups, spawnNode, startNatsServer, waitFor, type ChildHandle, type NatsServerHandle } from '@palisade/testing';

// Every service boots as its own process against real NATS (a server of the test's own, so it
// can be restarted) and real PostgreSQL, and reports health, readiness and metrics.
const services = [
  { name: 'gateway', portVariable: 'PALISADE_PORT' },
  { name: 'ingest', portVariable: 'PALISADE_INGEST_PORT' },
  { name: 'scanning', portVariable: 'PALISADE_SCANNING_PORT' },
  { name: 'signing', portVariable: 'PALISADE_SIGNING_PORT' },
  { name: 'promotion', portVariable: 'PALISADE_PROMOTION_PORT' },
  { name: 'recall', portVariable: 'PALISADE_RECALL_PORT' },
] as const;

interface Running {
  name: string;
  url: string;
  child: ChildHandle;
}

let nats: NatsServerHandle;
const running: Running[] = [];

async function get(url: string): Promise<{ status: number; body: string; type: string | null }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
}

beforeAll(async () => {
  // A database and data folder of their own: service schemas have fixed names, and the signing
  // keys in a reused database would not open with this run's key-encryption key.
  const databaseUrl = await createTestDatabase('services_boot');
  const dataDir = await tempDir('palisade-services-boot-');
  const kek = randomBytes(32).toString('base64');
  nats = await startNatsServer({ jetstream: true });
  for (const service of services) {
    const port = await freePort();
    const child = spawnNode(resolve(__dirname, `../services/${service.name}/src/main.ts`), {
      env: { PALISADE_NATS_URL: nats.url, PALISADE_DATABASE_URL: databaseUrl, PALISADE_DATA_DIR: dataDir, PALISADE_SIGNING_KEK: kek, [service.portVariable]: String(port), PALISADE_LOG_LEVEL: 'info' },
    });
    running.push({ name: service.name, url: `http://127.0.0.1:${port}`, child });
  }
  await Promise.all(running.map((s) => s.child.waitForLine(/"msg":"\w+ started"/, 60_000)));
});

afterAll(runCleanups);

describe('each service as its own process', () => {
  it('serves /healthz, a ready /readyz and Prometheus /metrics', async () => {
    for (const service of running) {
      expect(await get(`${service.url}/healthz`)).toMatchObject({ status: 200, body: '{"status":"ok"}' });
      const ready = await get(`${service.url}/readyz`);
      expect({ service: service.name, status: ready.status }).toEqual({ service: service.name, status: 200 });
      expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', messaging: true, store: true, outboxRelay: true });
      const metrics = await get(`${service.url}/metrics`);
      expect(metrics.type).toContain('text/plain');
      expect(metrics.body).toMatch(new RegExp(`palisade_ready\\{service="${service.name}"\\} 1`));
      expect(metrics.body).toContain('process_cpu_user_seconds_total');
    }
  });

  it('writes structured JSON logs naming the service', () => {
    for (const service of running) {
      const started = service.child.stdout.find((line) => line.includes('started'));
      expect(JSON.parse(started as string)).toMatchObject({ service: service.name, level: 'info' });
    }
  });

  it('reports not ready while NATS is down and ready again once it is back', async () => {
    const ingest = running.find((s) => s.name === 'ingest') as Running;
    await nats.kill();
    await waitFor(async () => (await get(`${ingest.url}/readyz`)).status === 503, { timeoutMs: 15_000, message: 'readyz 503 with NATS down' });
    expect(JSON.parse((await get(`${ingest.url}/readyz`)).body)).toMatchObject({ status: 'not ready', messaging: false });
    expect((await get(`${ingest.url}/healthz`)).status).toBe(200);
    await nats.restart();
    await waitFor(async () => (await get(`${ingest.url}/readyz`)).status === 200, { timeoutMs: 30_000, message: 'readyz 200 after NATS restart' });
  });

  it('stops cleanly on SIGTERM', async () => {
    const recall = running.find((s) => s.name === 'recall') as Running;
    const exit = await recall.child.kill('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(recall.child.stdout.some((line) => line.includes('recall stopping'))).toBe(true);
  });
});

describe('configuration', () => {
  it('refuses to start on a wrong value and names the variable', async () => {
    const child = spawnNode(resolve(__dirname, '../services/ingest/src/main.ts'), {
      env: { PALISADE_INGEST_PORT: 'not-a-port', PALISADE_DATABASE_URL: 'postgres://postgres:hunter2-secret@127.0.0.1:5432/postgres', PALISADE_OTEL_EXPORTER: 'otlp' },
    });
    const exit = await child.exited;
    expect(exit.code).toBe(78);
    const stderr = child.stderr.join('\n');
    expect(stderr).toContain('PALISADE_INGEST_PORT');
    expect(stderr).not.toContain('hunter2-secret');
  });

  it('checks rules across variables, naming the one that is missing', async () => {
    const child = spawnNode(resolve(__dirname, '../services/signing/src/main.ts'), { env: { PALISADE_OTEL_EXPORTER: 'otlp', PALISADE_OTEL_ENDPOINT: '' } });
    expect((await child.exited).code).toBe(78);
    expect(child.stderr.join('\n')).toContain('PALISADE_OTEL_ENDPOINT');
  });
});

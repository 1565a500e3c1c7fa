import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { runCleanups, runCommand, startFixtureUpstream, tempDir, waitFor, type CommandResult, type FixtureUpstream } from '@palisade/testing';
import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { RecallCaseSchema, RecallResolution, RecallTrigger, type RecallCase } from '@palisade/contracts';
import { NpmUser } from './support/npm-cli';
import { createNpmUser, publishPackage } from './support/registry-user';
import { SCANNING_TOKEN, importOsv, scanningUrl } from './support/scanning-admin';
import { startStack, type Stack, type StackMode } from './support/stack';

// Recall end to end with the real npm CLI and the `palisade` CLI: a version admitted to prod turns
// bad (new advisory, upstream takedown, manual case); within seconds dev warns with the case id
// and the safe version, prod refuses it and moves `latest`; webhooks and JSON subscribers get the
// alert; the case names who downloaded it and which deployment contains it. Waivers and
// false-positive closes need a second person; drills change nothing; a killed recall service
// finishes its case after restart.
const modes: StackMode[] = ['distributed', 'embedded'];
const repo = resolve(__dirname, '..');
const HOUR = 3_600_000;
const WEBHOOK_SECRET = 'e2e-webhook-secret-with-enough-entropy';

const POLICY = `
teams:
  release: [bob]
views:
  dev:
    admit: automatic
    verdicts: [clean, warn]
    quarantine: warn
  staging:
    admit: automatic
    verdicts: [clean, warn]
  prod:
    admit: on-request
    verdicts: [clean, warn]
    quarantine: block
    upstream: { admit: automatic }
`;

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A case as the recall API and `--json` CLI output give it (protobuf JSON of RecallCase). */
const caseOf = (json: unknown): RecallCase => fromJson(RecallCaseSchema, json as JsonValue, { ignoreUnknownFields: true });

/** A webhook receiver on loopback that keeps every delivery. */
async function startWebhookReceiver(): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, deliveries, close: () => new Promise((done) => server.close(() => done())) };
}

/** The receiver's side of the signature check: HMAC-SHA256 over `<timestamp>.<body>`. */
function signatureValid(delivery: Delivery): boolean {
  const timestamp = String(delivery.headers['x-palisade-timestamp']);
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${delivery.body}`).digest('hex')}`;
  return delivery.headers['x-palisade-signature'] === expected;
}

describe.each(modes)('recall (%s mode)', (mode) => {
  let stack: Stack;
  let upstream: FixtureUpstream;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let scanning: string;
  let alice: NpmUser;
  let ci: NpmUser;
  let nats: NatsConnection | undefined;
  const natsAlerts: Array<{ subject: string; event: { data: { recallId?: string; kind: string } } }> = [];

  const cli = (user: NpmUser, args: readonly string[], env: Record<string, string> = {}): Promise<CommandResult> =>
    runCommand(process.execPath, ['-r', resolve(repo, 'libs/testing/register.cjs'), resolve(repo, 'apps/cli/src/main.ts'), ...args], { cwd: user.home, env: { ...user.env(), ...env } });
  const admin = (args: readonly string[]) => cli(alice, args, { PALISADE_TOKEN: stack.adminToken });

  const packument = async (view: string, name: string) => {
    const response = await fetch(`${stack.registry(view)}${name.replace('/', '%2f')}`, { headers: { accept: 'application/json' } });
    return response.status === 200 ? ((await response.json()) as { 'dist-tags': Record<string, string>; versions: Record<string, { deprecated?: string }> }) : undefined;
  };
  const api = async <T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${stack.baseUrl}/-/palisade/v1/${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? stack.adminToken}`, 'content-type': 'application/json' },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const casesOf = async (name: string): Promise<RecallCase[]> => (await api<{ recalls?: unknown[] }>(`recalls?name=${encodeURIComponent(name)}`)).body.recalls?.map(caseOf) ?? [];
  const showCase = async (id: string): Promise<RecallCase> => caseOf((await api<unknown>(`recalls/${id}`)).body);

  /** Publishes 1.0.0 and 1.0.1 of `name` and promotes both to prod. */
  const publishToProd = async (name: string) => {
    for (const version of ['1.0.0', '1.0.1']) {
      await publishPackage(alice, { name, version, main: 'index.js' });
      await waitFor(async () => (await packument('staging', name))?.versions[version] !== undefined, { timeoutMs: 20_000, message: `${name}@${version} in staging` });
      const promoted = await cli(alice, ['promote', `${name}@${version}`, '--to', 'prod']);
      expect({ code: promoted.code, stderr: promoted.stderr }).toEqual({ code: 0, stderr: '' });
      await waitFor(async () => (await packument('prod', name))?.versions[version] !== undefined, { timeoutMs: 10_000, message: `${name}@${version} in prod` });
    }
  };

  /** The CI identity installs `spec` from prod and reports its lockfile as a deployment. */
  const deployFromProd = async (spec: string, service: string): Promise<string> => {
    const project = await ci.project({ name: service, version: '1.0.0', private: true });
    const installed = await ci.npm(['install', spec, '--save-exact'], project);
    expect({ code: installed.code, stderr: installed.code === 0 ? '' : installed.stderr }).toEqual({ code: 0, stderr: '' });
    const reported = await cli(ci, ['deployment', 'report', '--service', service, '--environment', 'production', '--view', 'prod', join(project, 'package-lock.json')]);
    expect({ code: reported.code, stderr: reported.stderr }).toEqual({ code: 0, stderr: '' });
    return project;
  };

  /** What a consumer sees once a case is enforced: dev warns and names the case and the safe version, prod refuses and moves latest. */
  const expectContained = async (name: string, recallId: string, deployed: string) => {
    // The safe version may be admitted (and so named) a moment after the case opened.
    let deprecated: string | undefined;
    await waitFor(
      async () => {
        deprecated = (await packument('dev', name))?.versions['1.0.1'].deprecated;
        return deprecated?.includes(`${name}@1.0.0`) === true;
      },
      { timeoutMs: 10_000, message: `dev's deprecation of ${name}@1.0.1 naming ${name}@1.0.0` },
    );
    expect(deprecated).toContain(recallId);
    const consumer = await ci.project({ name: 'dev-consumer', version: '1.0.0', private: true });
    const fromDev = await ci.npm(['install', `${name}@1.0.1`, '--registry', stack.registry('dev')], consumer);
    expect(fromDev.code).toBe(0);
    expect(fromDev.stderr).toMatch(new RegExp(`npm warn deprecated ${name.replace('/', '\\/')}@1\\.0\\.1: .*${recallId}`));
    const prod = await packument('prod', name);
    expect(prod?.versions['1.0.1']).toBeUndefined();
    expect(prod?.['dist-tags'].latest).toBe('1.0.0');
    // The deployed lockfile pins 1.0.1: a clean `npm ci` fetches its tarball and npm prints why it is refused.
    await writeFile(join(deployed, '.npmrc'), 'cache=./.fresh-cache\n');
    const reinstall = await ci.npm(['ci', '--cache', join(deployed, '.fresh-cache')], deployed);
    expect(reinstall.code).not.toBe(0);
    expect(reinstall.stderr).toContain('451');
    expect(reinstall.stderr).toContain(recallId);
    const fresh = await ci.project({ name: 'prod-consumer', version: '1.0.0', private: true });
    expect((await ci.npm(['install', `${name}@1.0.1`], fresh)).code).not.toBe(0);
  };

  beforeAll(async () => {
    upstream = await startFixtureUpstream();
    const old = new Date(Date.now() - 100 * HOUR);
    upstream.addPackage({ name: 'up-taken', versions: [{ version: '1.0.0', publishedAt: old }, { version: '1.0.1', publishedAt: old }] });
    webhook = await startWebhookReceiver();
    const policyDir = await tempDir('palisade-e2e-recall-policy-');
    await writeFile(join(policyDir, 'policy.yaml'), POLICY);
    stack = await startStack(mode, {
      PALISADE_POLICY_FILE: join(policyDir, 'policy.yaml'),
      PALISADE_PROMOTION_REEVALUATE_INTERVAL: '500ms',
      PALISADE_SCANNING_ADMIN_TOKEN: SCANNING_TOKEN,
      PALISADE_ALERT_WEBHOOKS: webhook.url,
      PALISADE_ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PALISADE_RECALL_TICK_INTERVAL: '500ms',
      PALISADE_UPSTREAM_URL: upstream.url,
      PALISADE_UPSTREAM_MAX_AGE: '0',
      // Untagged versions reach prod only through background judging, which by default waits while
      // the host is busy: a CI machine running tests in parallel always is.
      PALISADE_UPSTREAM_BACKGROUND_MAX_CPU: '100',
      PALISADE_UPSTREAM_TIMEOUT: '2s',
    });
    scanning = await scanningUrl(stack);
    alice = await createNpmUser(stack.registry('dev'), stack.adminToken, 'alice');
    await createNpmUser(stack.registry('dev'), stack.adminToken, 'bob');
    // The CI identity installs from prod, so its token is configured for prod's URL.
    const ciToken = await fetch(`${stack.registry('prod')}-/user/org.couchdb.user:ci-deployer`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({ _id: 'org.couchdb.user:ci-deployer', name: 'ci-deployer', password: 'ci-deployers-long-password', email: 'ci@example.test', type: 'user', roles: [] }),
    });
    expect(ciToken.status).toBe(201);
    ci = await NpmUser.create(stack.registry('prod'), ((await ciToken.json()) as { token: string }).token);
    await appendFile(ci.userconfig, 'fetch-retries=0\n');
    if ('natsUrl' in stack.bus) {
      nats = await connect({ servers: stack.bus.natsUrl });
      const sub: Subscription = nats.subscribe('alerts.recall.>');
      void (async () => {
        for await (const m of sub) natsAlerts.push({ subject: m.subject, event: JSON.parse(m.string()) as (typeof natsAlerts)[number]['event'] });
      })();
    }
  }, 240_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
    await upstream?.stop();
    await webhook?.close();
    await runCleanups();
  });

  it('contains a prod version within seconds of an advisory, alerts, and names who is exposed and where to go', async () => {
    const name = '@rc/lib';
    await publishToProd(name);
    const deployed = await deployFromProd(`${name}@1.0.1`, 'checkout-api');
    const report = await importOsv(scanning, [
      {
        schema_version: '1.4.0',
        id: 'GHSA-e2e0-rcll-0001',
        modified: '2026-12-01T00:00:00Z',
        published: '2026-12-01T00:00:00Z',
        summary: 'Prototype pollution in @rc/lib 1.0.1',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N' }],
        affected: [{ package: { ecosystem: 'npm', name }, versions: ['1.0.1'] }],
        database_specific: { severity: 'MODERATE' },
      },
    ]);
    expect(report).toMatchObject({ imported: 1 });

    // Within 5 seconds of the import: the case is open and every view enforces it.
    let recall: RecallCase | undefined;
    await waitFor(
      async () => {
        recall = (await casesOf(name)).find((c) => c.advisoryId === 'GHSA-e2e0-rcll-0001');
        const prod = await packument('prod', name);
        return recall !== undefined && prod?.['dist-tags'].latest === '1.0.0' && (await packument('dev', name))?.versions['1.0.1'].deprecated?.includes(recall.recallId) === true;
      },
      { timeoutMs: 5_000, intervalMs: 100, message: 'case opened and enforced in every view' },
    );
    const id = (recall as RecallCase).recallId;
    expect(recall?.trigger).toBe(RecallTrigger.ADVISORY);
    expect(recall?.affected.map((a) => `${a.name}@${a.version}`)).toEqual([`${name}@1.0.1`]);
    await expectContained(name, id, deployed);

    await waitFor(async () => webhook.deliveries.some((d) => d.body.includes(id) && d.body.includes('"kind":"opened"')), { timeoutMs: 5_000, message: 'webhook delivery' });
    const delivery = webhook.deliveries.find((d) => d.body.includes(id) && d.body.includes('"kind":"opened"')) as Delivery;
    expect(signatureValid(delivery)).toBe(true);
    expect(delivery.headers['content-type']).toContain('application/cloudevents+json');
    expect(JSON.parse(delivery.body)).toMatchObject({ specversion: '1.0', type: 'io.palisade.alert.v1', data: { area: 'recall', kind: 'opened', recallId: id } });
    if (nats) {
      await waitFor(async () => natsAlerts.some((a) => a.event.data.recallId === id && a.subject.endsWith('.opened')), { timeoutMs: 5_000, message: 'JSON alert on NATS' });
    }
    // Both modes: the security team follows alerts with the CLI.
    const tail = await admin(['alerts', 'tail', 'alerts.recall.>', '--from-start', '--json', '--max', '50', '--interval-ms', '200']);
    expect(tail.code).toBe(0);
    const tailed = tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as { subject: string; data: { recallId?: string; kind: string } });
    expect(tailed.some((e) => e.data.recallId === id && e.data.kind === 'opened')).toBe(true);

    await waitFor(async () => (await showCase(id)).status === 'contained', { timeoutMs: 5_000, message: 'case contained' });
    const shown = await showCase(id);
    const exposure = (kind: string, identity: string) => shown.exposures.find((e) => e.kind === kind && e.identity === identity);
    expect(exposure('download', 'ci-deployer')).toMatchObject({ name, version: '1.0.1', view: 'prod', suggestion: { toVersion: '1.0.0' } });
    expect(exposure('deployment', 'checkout-api')).toMatchObject({ environment: 'production', name, version: '1.0.1', suggestion: { toVersion: '1.0.0', command: `npm install ${name}@1.0.0`, direct: true } });
    expect(shown.suggestions.find((x) => x.view === 'prod')).toMatchObject({ fromVersion: '1.0.1', toVersion: '1.0.0' });
    expect(shown.timeToContainMs).toBeGreaterThanOrEqual(0);
    expect(shown.timeToDetectMs).toBeGreaterThanOrEqual(0);
    const human = await admin(['recall', 'show', id]);
    expect(human.stdout).toContain('ci-deployer');
    expect(human.stdout).toContain('checkout-api');
    expect(human.stdout).toContain(`npm install ${name}@1.0.0`);
  });

  it('contains an upstream takedown of a cached version the same way', async () => {
    const name = 'up-taken';
    // 1.0.1 (`latest`) is judged when prod first reads the name; 1.0.0, the safe version the case names, in the background.
    await waitFor(
      async () => {
        const versions = (await packument('prod', name))?.versions ?? {};
        return versions['1.0.1'] !== undefined && versions['1.0.0'] !== undefined;
      },
      { timeoutMs: 20_000, message: 'upstream versions admitted to prod' },
    );
    const deployed = await deployFromProd(`${name}@1.0.1`, 'billing-worker');
    upstream.removeVersion(name, '1.0.1');
    let recall: RecallCase | undefined;
    await waitFor(
      async () => {
        await packument('dev', name); // a read revalidates against the upstream
        recall = (await casesOf(name)).find((c) => c.trigger === RecallTrigger.UPSTREAM_REMOVED);
        return recall !== undefined && (await packument('prod', name))?.['dist-tags'].latest === '1.0.0';
      },
      // Detection waits for a read to revalidate the name against the upstream (a background fetch
      // through ingest), then the case travels the same hops as an advisory's: slower on a loaded CI.
      { timeoutMs: 20_000, intervalMs: 200, message: 'takedown case enforced' },
    );
    await expectContained(name, (recall as RecallCase).recallId, deployed);
    const shown = await showCase((recall as RecallCase).recallId);
    expect(shown.exposures.some((e) => e.kind === 'deployment' && e.identity === 'billing-worker')).toBe(true);
  });

  it('contains a manual case; a waiver and a false-positive close each need a second person and release the version', async () => {
    const name = '@rc/manual';
    await publishToProd(name);
    const deployed = await deployFromProd(`${name}@1.0.1`, 'search-api');
    const opened = await cli(alice, ['recall', 'open', `${name}@1.0.1`, '--reason', 'maintainer account hijacked', '--severity', 'critical', '--json']);
    expect({ code: opened.code, stderr: opened.stderr }).toEqual({ code: 0, stderr: '' });
    const id = caseOf(JSON.parse(opened.stdout)).recallId;
    await waitFor(async () => (await packument('prod', name))?.['dist-tags'].latest === '1.0.0' && (await packument('dev', name))?.versions['1.0.1'].deprecated !== undefined, {
      timeoutMs: 5_000,
      message: 'manual case enforced',
    });
    await expectContained(name, id, deployed);

    // A waiver for prod: requested by alice, refused when she approves it herself, applied when the admin does.
    const waiver = await cli(alice, ['recall', 'waive', id, '--view', 'prod', '--for', '1h', '--reason', 'hotfix window', '--json']);
    expect(waiver.code).toBe(0);
    const waiverId = caseOf(JSON.parse(waiver.stdout)).overrides.find((o) => o.kind === 'waiver' && o.state === 'pending')?.id as string;
    expect(waiverId).toBeDefined();
    const self = await cli(alice, ['recall', 'approve', id, waiverId]);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/cannot approve|self/i);
    expect((await packument('prod', name))?.versions['1.0.1']).toBeUndefined();
    expect((await admin(['recall', 'approve', id, waiverId])).code).toBe(0);
    await waitFor(async () => (await packument('prod', name))?.versions['1.0.1'] !== undefined, { timeoutMs: 5_000, message: 'waiver releases prod' });
    expect((await packument('dev', name))?.versions['1.0.1'].deprecated).toContain(id);

    // A false positive: released everywhere once a second person approves, and the case is closed.
    const fp = await cli(alice, ['recall', 'false-positive', id, '--reason', 'the account was not compromised', '--json']);
    expect(fp.code).toBe(0);
    const fpId = caseOf(JSON.parse(fp.stdout)).overrides.find((o) => o.kind === 'false-positive' && o.state === 'pending')?.id as string;
    expect((await cli(alice, ['recall', 'approve', id, fpId])).code).toBe(1);
    expect((await packument('dev', name))?.versions['1.0.1'].deprecated).toContain(id);
    expect((await admin(['recall', 'approve', id, fpId])).code).toBe(0);
    await waitFor(async () => (await packument('dev', name))?.versions['1.0.1'].deprecated === undefined, { timeoutMs: 5_000, message: 'released in dev' });
    expect((await packument('prod', name))?.versions['1.0.1']).toBeDefined();
    expect(await showCase(id)).toMatchObject({ status: 'closed', resolution: RecallResolution.FALSE_POSITIVE });
  });

  it('runs a drill that changes no view and reports each step', async () => {
    const name = '@rc/lib';
    const before = await Promise.all(['dev', 'staging', 'prod'].map((view) => fetch(`${stack.registry(view)}${name.replace('/', '%2f')}`).then((r) => r.text())));
    const drill = await admin(['recall', 'drill', `${name}@1.0.0`, '--reason', 'quarterly drill']);
    expect({ code: drill.code, stderr: drill.stderr }).toEqual({ code: 0, stderr: '' });
    expect(drill.stdout).toMatch(/drill/i);
    expect(drill.stdout).toMatch(/\d+(\.\d+)? ms/);
    const after = await Promise.all(['dev', 'staging', 'prod'].map((view) => fetch(`${stack.registry(view)}${name.replace('/', '%2f')}`).then((r) => r.text())));
    expect(after).toEqual(before);
    const drills = (await casesOf(name)).filter((c) => c.drill === true);
    expect(drills).toHaveLength(1);
    const alerts = await api<{ alerts: Array<{ subject: string; event: { data: { drill: boolean; recallId?: string } } }> }>(`alerts?subject=${encodeURIComponent('alerts.recall.>')}&limit=200`);
    const drillAlerts = alerts.body.alerts.filter((a) => a.event.data.recallId === drills[0].recallId);
    expect(drillAlerts.length).toBeGreaterThan(0);
    expect(drillAlerts.every((a) => a.event.data.drill)).toBe(true);
  });

  if (mode === 'distributed') {
    it('loses nothing when the recall service is killed mid-case: the case completes after restart', async () => {
      const name = '@rc/killed';
      await publishToProd(name);
      await stack.restartService('recall', 'SIGKILL');
      await importOsv(scanning, [
        {
          schema_version: '1.4.0',
          id: 'GHSA-e2e0-rcll-0002',
          modified: '2026-12-02T00:00:00Z',
          published: '2026-12-02T00:00:00Z',
          summary: 'Command injection in @rc/killed 1.0.1',
          affected: [{ package: { ecosystem: 'npm', name }, versions: ['1.0.1'] }],
          database_specific: { severity: 'HIGH' },
        },
      ]);
      // Killed again while the rescan is on its way, then left to recover.
      await stack.restartService('recall', 'SIGKILL');
      await waitFor(async () => (await packument('prod', name))?.['dist-tags'].latest === '1.0.0', { timeoutMs: 45_000, message: 'enforced after restart' });
      await waitFor(async () => (await casesOf(name))[0]?.status === 'contained', { timeoutMs: 10_000, message: 'contained after restart' });
      expect(await casesOf(name)).toHaveLength(1);
      const shown = await showCase((await casesOf(name))[0].recallId);
      expect(shown.timeToContainMs).toBeGreaterThanOrEqual(0);
    });
  }
});

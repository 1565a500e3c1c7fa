import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Events, Severity, Verdict, encodeMessage, timestampFromDate } from '@palisade/contracts';
import { startService, type RunningService } from '@palisade/platform';
import { promotionService } from '@palisade/service-promotion';
import { freePort, integrityOf, registerCleanup, runCleanups, tempDir, waitFor } from '@palisade/testing';
import { FakeIngest } from '../packages/__fixtures__/fake-ingest';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';
import { packTarball, publishBody } from '../packages/__fixtures__/publish-body';

// The promotion API of the gateway over the real promotion service on the same embedded bus
// (ingest faked; scan verdicts and signatures injected as the scanning and signing services
// would emit them), read back through the views' packuments and tarballs.
const POLICY = `
teams:
  release: [bob, carol]
views:
  dev: { admit: automatic, verdicts: [clean, warn] }
  staging: { admit: on-request, verdicts: [clean, warn] }
  prod:
    admit: on-request
    verdicts: [clean]
    approvals: { count: 2, team: release }
`;

let h: GatewayHarness;
let promotion: RunningService;
const tokens: Record<string, string> = {};
let event = 0;

async function emit(subject: string, schemaName: string, data: Uint8Array): Promise<void> {
  event += 1;
  await h.bus.publish({ id: `promotions-spec-${event}`, subject, schema: schemaName, data });
}

async function scanned(name: string, version: string, integrity: string, verdict: 'clean' | 'block'): Promise<void> {
  const { schema, subject } = Events.versionScanned;
  const block = verdict === 'block';
  await emit(
    subject,
    schema.typeName,
    encodeMessage(schema, {
      name,
      version,
      integrity,
      verdict: block ? Verdict.BLOCK : Verdict.CLEAN,
      findings: block ? [{ rule: 'malware.exfiltration-env', severity: Severity.CRITICAL, message: 'sends process.env to a remote host' }] : [],
      rescan: block,
      scannedAt: timestampFromDate(new Date()),
    }),
  );
}

/** Publishes as alice; the version is scanned clean and signed (the events may come first). */
async function publish(name: string, version: string): Promise<{ integrity: string; tarball: Buffer }> {
  const tarball = await packTarball({ name, version });
  const integrity = integrityOf(tarball);
  await scanned(name, version, integrity, 'clean');
  const { schema, subject } = Events.versionSigned;
  await emit(subject, schema.typeName, encodeMessage(schema, { name, version, integrity, signature: { keyid: 'SHA256:k', sig: 'c2ln' }, signedAt: timestampFromDate(new Date()) }));
  const reply = await h.call('PUT', `/dev/${name.replace('/', '%2f')}`, { token: tokens.alice, body: publishBody(name, version, tarball) });
  expect(reply.status).toBe(201);
  return { integrity, tarball };
}

async function versionsIn(view: string, name: string): Promise<string[]> {
  const reply = await h.call('GET', `/${view}/${name.replace('/', '%2f')}`);
  return reply.status === 200 ? Object.keys(reply.json.versions as Record<string, unknown>) : [];
}

const promote = (spec: string, to: string, user: string, extra: Record<string, unknown> = {}) => h.call('POST', `/-/palisade/v1/promotions/${spec}`, { token: tokens[user], body: { to, ...extra } });
const approve = (spec: string, to: string, user: string) => h.call('POST', `/-/palisade/v1/approvals/${spec}`, { token: tokens[user], body: { to } });

beforeAll(async () => {
  h = await startGatewayHarness(`gw_promotions_${process.pid}`, {}, { fakeIngest: false });
  const ingest = await new FakeIngest(h.bus, h.blobs, []).start();
  registerCleanup(() => ingest.stop());
  const policyFile = join(await tempDir('palisade-policy-'), 'policy.yaml');
  await writeFile(policyFile, POLICY);
  promotion = await startService(promotionService, {
    bus: h.bus,
    telemetry: false,
    env: { PALISADE_DATABASE_URL: h.databaseUrl, PALISADE_PROMOTION_PORT: String(await freePort()), PALISADE_LOG_LEVEL: 'warn', PALISADE_POLICY_FILE: policyFile },
  });
  registerCleanup(() => promotion.stop());
  for (const user of ['alice', 'bob', 'carol']) tokens[user] = await h.createUser(user);
  tokens.admin = h.adminToken;
});

afterAll(() => runCleanups());

describe('promotion over the gateway', () => {
  it('serves a fresh publish from dev only', async () => {
    await publish('@acme/widget', '1.0.0');
    expect(await versionsIn('dev', '@acme/widget')).toEqual(['1.0.0']);
    expect(await versionsIn('staging', '@acme/widget')).toEqual([]);
    expect(await versionsIn('prod', '@acme/widget')).toEqual([]);
  });

  it('needs a token that may write the package', async () => {
    const anonymous = await h.call('POST', '/-/palisade/v1/promotions/@acme%2fwidget@1.0.0', { body: { to: 'staging' } });
    expect(anonymous.status).toBe(401);
    const missingView = await promote('@acme%2fwidget@1.0.0', '', 'alice');
    expect(missingView.json).toMatchObject({ code: 'PAL_ERR_BAD_REQUEST', error: 'bad request: to is required' });
    const unknownView = await promote('@acme%2fwidget@1.0.0', 'qa', 'alice');
    expect(unknownView.status).toBe(400);
    expect(unknownView.json.reason).toBe('PROMOTION_UNKNOWN_VIEW');
  });

  it('promotes to staging on request, and to prod after two approvals from the team, never the publisher', async () => {
    const staging = await promote('@acme/widget@1.0.0', 'staging', 'alice');
    expect(staging.status).toBe(200);
    expect(staging.json).toMatchObject({ name: '@acme/widget', version: '1.0.0', view: 'staging', status: 'admitted', policyVersion: 1 });
    await waitFor(async () => (await versionsIn('staging', '@acme/widget')).includes('1.0.0'), { timeoutMs: 2_000, message: 'in staging' });

    const requested = await promote('@acme/widget@1.0.0', 'prod', 'alice');
    expect(requested.json).toMatchObject({ status: 'pending-approval', approvals: { required: 2, team: 'release', approvers: [] } });
    const byPublisher = await approve('@acme/widget@1.0.0', 'prod', 'alice');
    expect(byPublisher.status).toBe(403);
    expect(byPublisher.json).toMatchObject({ code: 'PAL_ERR_FORBIDDEN', reason: 'PROMOTION_APPROVER_NOT_ALLOWED', reasons: ['alice published this version and cannot approve its promotion'] });
    const first = await approve('@acme/widget@1.0.0', 'prod', 'bob');
    expect(first.json).toMatchObject({ status: 'pending-approval', approvals: { required: 2, approvers: ['bob'] } });
    expect(await versionsIn('prod', '@acme/widget')).toEqual([]);
    const second = await approve('@acme/widget@1.0.0', 'prod', 'carol');
    expect(second.json).toMatchObject({ status: 'admitted', approvals: { approvers: ['bob', 'carol'] } });
    await waitFor(async () => (await versionsIn('prod', '@acme/widget')).includes('1.0.0'), { timeoutMs: 2_000, message: 'in prod' });
  });

  it('serves the same bytes in every view', async () => {
    const bodies = await Promise.all(['dev', 'staging', 'prod'].map(async (view) => Buffer.from(await (await fetch(`${h.origin}/${view}/@acme/widget/-/widget-1.0.0.tgz`)).arrayBuffer())));
    const packuments = await Promise.all(['dev', 'staging', 'prod'].map((view) => h.call('GET', `/${view}/@acme%2fwidget`)));
    const integrities = packuments.map((p) => (p.json.versions as Record<string, { dist: { integrity: string } }>)['1.0.0'].dist.integrity);
    expect(new Set(integrities).size).toBe(1);
    for (const bytes of bodies) expect(integrityOf(bytes)).toBe(integrities[0]);
  });

  it('reports where each version is, and why not further', async () => {
    await publish('@acme/widget', '1.1.0');
    const status = await h.call('GET', '/-/palisade/v1/status/@acme%2fwidget', { token: tokens.bob });
    expect(status.status).toBe(200);
    const versions = status.json.versions as Array<{ version: string; verdict: string; views: Array<{ view: string; state: string; reasons: string[]; approvers: string[] }> }>;
    expect(versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(versions[0].views.map((v) => [v.view, v.state])).toEqual([
      ['dev', 'admitted'],
      ['staging', 'admitted'],
      ['prod', 'admitted'],
    ]);
    expect(versions[0].views[2].approvers).toEqual(['bob', 'carol']);
    expect(versions[1].views.map((v) => [v.view, v.state])).toEqual([
      ['dev', 'admitted'],
      ['staging', 'not-requested'],
      ['prod', 'pending'],
    ]);
    expect(versions[1].views[1].reasons).toEqual(['staging admits published versions on request: palisade promote @acme/widget@1.1.0 --to staging']);
    expect((await h.call('GET', '/-/palisade/v1/status/@acme%2fwidget@9.9.9', { token: tokens.bob })).status).toBe(404);
    expect((await h.call('GET', '/-/palisade/v1/status/@acme%2fwidget')).status).toBe(401);
  });

  it('takes a version a rescan blocks out of every view, and refuses its promotion with the reason', async () => {
    const { integrity } = await publish('doomed', '1.0.0');
    expect((await promote('doomed@1.0.0', 'staging', 'alice')).json.status).toBe('admitted');
    await waitFor(async () => (await versionsIn('staging', 'doomed')).includes('1.0.0'), { timeoutMs: 2_000, message: 'in staging' });
    await scanned('doomed', '1.0.0', integrity, 'block');
    await waitFor(
      async () => (await h.service.dataSource.query(`SELECT 1 FROM palisade_gateway.view_admissions WHERE name = 'doomed'`)).length === 0,
      { timeoutMs: 2_000, message: 'dismissed from every view' },
    );
    const dismissals: Array<{ view: string; reason: string }> = await h.service.dataSource.query(`SELECT view, reason FROM palisade_gateway.view_dismissals WHERE name = 'doomed' ORDER BY view`);
    expect(dismissals.map((d) => d.view)).toEqual(['dev', 'staging']);
    expect(dismissals[0].reason).toContain('scan verdict is block: malware.exfiltration-env (critical)');
    const refused = await promote('doomed@1.0.0', 'prod', 'alice');
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ code: 'PAL_ERR_POLICY_REFUSED', reason: 'PROMOTION_POLICY_VIOLATION' });
    expect(refused.json.error).toBe('refused by policy: doomed@1.0.0 cannot be promoted to prod under policy version 1');
    expect(refused.json.reasons).toEqual(['scan verdict is block (prod admits clean): malware.exfiltration-env (critical) sends process.env to a remote host']);
  });

  it('shows the policy to users and lets only administrators change it, dry run first', async () => {
    const shown = await h.call('GET', '/-/palisade/v1/policy?view=prod', { token: tokens.bob });
    expect(shown.json).toMatchObject({ version: 1, origin: 'file', views: ['dev', 'staging', 'prod'], onDemandViews: ['dev'] });
    expect(shown.json.yaml).toContain('approvals: {count: 2, team: release}');
    const open = POLICY.replace("staging: { admit: on-request", "staging: { admit: automatic");
    expect((await h.call('PUT', '/-/palisade/v1/policy', { token: tokens.bob, body: { policy: open } })).status).toBe(403);
    const invalid = await h.call('PUT', '/-/palisade/v1/policy', { token: tokens.admin, body: { policy: 'views: {}' } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.reasons).toContain('views.dev: missing; every view needs a policy');
    const dry = await h.call('PUT', '/-/palisade/v1/policy', { token: tokens.admin, body: { policy: open, dryRun: true } });
    expect(dry.json).toMatchObject({ dryRun: true, changed: true, changedViews: ['staging'], revision: { version: 1 } });
    expect(dry.json.decisions).toContainEqual({ name: '@acme/widget', version: '1.1.0', view: 'staging', outcome: 'admit', reasons: expect.arrayContaining(['admitted automatically (published versions)']) });
    expect(await versionsIn('staging', '@acme/widget')).toEqual(['1.0.0']);
    const applied = await h.call('PUT', '/-/palisade/v1/policy', { token: tokens.admin, body: { policy: open, comment: 'staging follows dev' } });
    expect(applied.json).toMatchObject({ dryRun: false, changed: true, revision: { version: 2, origin: 'api', appliedBy: 'admin', comment: 'staging follows dev' } });
    await waitFor(async () => (await versionsIn('staging', '@acme/widget')).includes('1.1.0'), { timeoutMs: 3_000, message: '1.1.0 in staging under the new policy' });
  });
});

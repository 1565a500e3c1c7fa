import { request as httpRequest } from 'node:http';
import { create, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import {
  Commands,
  RecallCaseSchema,
  RecallTrigger,
  Severity,
  decodeMessage,
  encodeMessage,
  timestampFromDate,
  type CommandDefinition,
  type RecallCase,
} from '@palisade/contracts';
import type { Subscription } from '@palisade/messaging';
import { integrityOf, registerCleanup, runCleanups } from '@palisade/testing';
import { tokenKeyOf } from '../accounts/credentials/token-secret';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';
import { packTarball, publishBody } from '../packages/__fixtures__/publish-body';

// The recall API of the gateway: authentication and permissions, body validation, and what it
// forwards to the recall service, which a small responder plays on the embedded bus (it records
// every request and answers like the service would).
let h: GatewayHarness;
const tokens: Record<string, string> = {};
const OPENED_AT = new Date('2026-12-01T10:00:00.000Z');

/** The case the responder answers with. */
function recallCase(recallId: string, init: Exclude<MessageInitShape<typeof RecallCaseSchema>, RecallCase> = {}): RecallCase {
  return create(RecallCaseSchema, {
    recallId,
    trigger: RecallTrigger.MANUAL,
    severity: Severity.HIGH,
    reason: 'account takeover',
    affected: [{ name: '@acme/lib', version: '1.0.1' }],
    status: 'open',
    openedBy: 'alice',
    openedAt: timestampFromDate(OPENED_AT),
    timeToDetectMs: -1,
    timeToContainMs: -1,
    ...init,
  });
}

class RecallResponder {
  readonly requests = new Map<string, unknown[]>();
  private readonly subscriptions = new Map<string, Subscription>();

  async serve<Req extends DescMessage, Rep extends DescMessage>(command: CommandDefinition<Req, Rep>, answer: (request: MessageShape<Req>) => MessageInitShape<Rep>): Promise<void> {
    await this.subscriptions.get(command.subject)?.stop();
    this.subscriptions.set(
      command.subject,
      await h.bus.serve(command.subject, async (message) => {
        const request = decodeMessage(command.request, message.data);
        this.requests.set(command.subject, [...(this.requests.get(command.subject) ?? []), request]);
        return encodeMessage(command.reply, answer(request));
      }),
    );
  }

  async silence(command: CommandDefinition): Promise<void> {
    await this.subscriptions.get(command.subject)?.stop();
    this.subscriptions.delete(command.subject);
  }

  last<Req extends DescMessage>(command: CommandDefinition<Req>): MessageShape<Req> | undefined {
    return this.requests.get(command.subject)?.at(-1) as MessageShape<Req> | undefined;
  }

  count(command: CommandDefinition): number {
    return this.requests.get(command.subject)?.length ?? 0;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((s) => s.stop()));
  }
}

const recall = new RecallResponder();
const api = (method: string, path: string, user?: string, body?: unknown, view = '') =>
  h.call(method, `${view}/-/palisade/v1/${path}`, { ...(user ? { token: tokens[user] } : {}), ...(body !== undefined ? { body } : {}) });

const rejected = (code: string, message: string, problems: string[] = []) => ({ outcome: { case: 'rejected' as const, value: { code, message, problems } } });

beforeAll(async () => {
  h = await startGatewayHarness(`gw_recalls_${process.pid}`);
  for (const user of ['alice', 'bob', 'ci-deployer']) tokens[user] = await h.createUser(user);
  tokens.admin = h.adminToken;
  tokens.aliceReadonly = await h.createToken('alice', { readonly: true });
  tokens.aliceElsewhere = await h.createToken('alice', { scopes: ['@elsewhere'] });
  tokens.ciReadonly = await h.createToken('ci-deployer', { readonly: true });
  const bytes = await packTarball({ name: '@acme/lib', version: '1.0.1' });
  expect((await h.call('PUT', '/dev/@acme%2flib', { token: tokens.alice, body: publishBody('@acme/lib', '1.0.1', bytes) })).status).toBe(201);

  await recall.serve(Commands.recallOpen, (r) => {
    if (r.versionRange === '9.x') return rejected('RECALL_NO_MATCHING_VERSION', 'no version of @acme/lib matches 9.x');
    const affected = r.versions.map((version) => ({ name: r.name, version }));
    return { outcome: { case: 'accepted' as const, value: { recallId: 'rc-1', affected, drill: r.drill, recall: recallCase('rc-1', { affected, views: r.views, drill: r.drill, severity: r.severity }) } } };
  });
  await recall.serve(Commands.recallList, () => ({ outcome: { case: 'found' as const, value: { recalls: [recallCase('rc-2'), recallCase('rc-1', { status: 'contained' })] } } }));
  await recall.serve(Commands.recallShow, (r) => (r.recallId === 'rc-1' ? { outcome: { case: 'found' as const, value: recallCase('rc-1') } } : rejected('RECALL_NOT_FOUND', `no recall ${r.recallId}`)));
  await recall.serve(Commands.recallRequestOverride, (r) => ({
    outcome: { case: 'changed' as const, value: recallCase(r.recallId, { overrides: [{ id: 'ov-1', kind: r.kind, view: r.view, reason: r.reason, requestedBy: r.requestedBy?.principal, state: 'pending' }] }) },
  }));
  await recall.serve(Commands.recallApproveOverride, (r) =>
    r.approver?.principal === 'alice'
      ? rejected('RECALL_SELF_APPROVAL', 'alice requested this override and cannot approve it; another person must')
      : { outcome: { case: 'changed' as const, value: recallCase(r.recallId, { overrides: [{ id: r.overrideId, kind: 'waiver', state: 'approved', approvedBy: r.approver?.principal }] }) } },
  );
  await recall.serve(Commands.recallClose, (r) => ({ outcome: { case: 'changed' as const, value: recallCase(r.recallId, { status: 'closed', reason: r.reason }) } }));
  await recall.serve(Commands.recallReportDeployment, (r) => ({ outcome: { case: 'recorded' as const, value: { deploymentId: 'dep-1', packages: r.packages.length, affectedBy: r.packages.some((p) => p.name === '@acme/lib') ? ['rc-1'] : [] } } }));
  await recall.serve(Commands.recallAlerts, (r) => ({
    alerts: [
      { seq: r.after + 1n, subject: 'alerts.recall.high.opened', cloudeventJson: JSON.stringify({ specversion: '1.0', type: 'io.palisade.alert.v1', data: { kind: 'opened', recallId: 'rc-1', drill: false } }) },
      { seq: r.after + 2n, subject: 'alerts.recall.high.contained', cloudeventJson: 'not json' },
    ],
    lastSeq: r.after + 2n,
  }));
  registerCleanup(() => recall.stop());
});

afterAll(() => runCleanups());

describe('recall API: authentication and permissions', () => {
  it.each([
    ['POST', 'recalls'],
    ['GET', 'recalls'],
    ['GET', 'recalls/rc-1'],
    ['POST', 'recalls/rc-1/overrides'],
    ['POST', 'recalls/rc-1/overrides/ov-1/approve'],
    ['POST', 'recalls/rc-1/close'],
    ['POST', 'deployments'],
    ['GET', 'alerts'],
  ])('%s /-/palisade/v1/%s needs a token', async (method, path) => {
    const reply = await api(method, path, undefined, method === 'POST' ? {} : undefined);
    expect(reply.status).toBe(401);
    expect(reply.json.code).toBe('PAL_ERR_UNAUTHORIZED');
    expect(reply.headers.get('www-authenticate')).toContain('Bearer');
    expect((await api(method, path, undefined, method === 'POST' ? {} : undefined, '/prod')).status).toBe(401);
  });

  it('lets only a writable token of a maintainer or an administrator open a recall', async () => {
    const body = { spec: '@acme/lib@1.0.1', reason: 'account takeover', severity: 'high' };
    const before = recall.count(Commands.recallOpen);
    expect((await api('POST', 'recalls', 'bob', body)).json).toMatchObject({ code: 'PAL_ERR_FORBIDDEN', error: 'forbidden: bob is not a maintainer of @acme/lib; only its maintainers and administrators may open a recall of it' });
    expect((await api('POST', 'recalls', 'aliceReadonly', body)).json.code).toBe('PAL_ERR_TOKEN_READONLY');
    expect((await api('POST', 'recalls', 'aliceElsewhere', body)).json.code).toBe('PAL_ERR_TOKEN_SCOPE');
    expect(recall.count(Commands.recallOpen)).toBe(before);
    expect((await api('POST', 'recalls', 'admin', body)).status).toBe(201);
    expect(recall.last(Commands.recallOpen)?.requestedBy).toMatchObject({ principal: 'admin' });
  });

  it('lets only maintainers and administrators act on a case, judged by its first affected package', async () => {
    const waiver = { kind: 'waiver', view: 'prod', duration: '1h', reason: 'hotfix' };
    expect((await api('POST', 'recalls/rc-1/overrides', 'bob', waiver)).json.code).toBe('PAL_ERR_FORBIDDEN');
    expect((await api('POST', 'recalls/rc-1/overrides/ov-1/approve', 'bob', {})).json.code).toBe('PAL_ERR_FORBIDDEN');
    expect((await api('POST', 'recalls/rc-1/close', 'bob', { reason: 'done' })).json.code).toBe('PAL_ERR_FORBIDDEN');
    expect((await api('POST', 'recalls/rc-1/close', 'aliceReadonly', { reason: 'done' })).json.code).toBe('PAL_ERR_TOKEN_READONLY');
    expect((await api('POST', 'recalls/rc-404/close', 'bob', { reason: 'done' })).status).toBe(404);
    expect(recall.count(Commands.recallRequestOverride) + recall.count(Commands.recallApproveOverride) + recall.count(Commands.recallClose)).toBe(0);
  });

  it('lets any valid token read cases, and only administrators read alerts', async () => {
    expect((await api('GET', 'recalls', 'ciReadonly')).status).toBe(200);
    expect((await api('GET', 'recalls/rc-1', 'bob')).status).toBe(200);
    expect((await api('GET', 'alerts', 'bob')).json).toMatchObject({ code: 'PAL_ERR_FORBIDDEN', error: 'forbidden: only administrators may read alerts' });
    expect((await api('GET', 'alerts', 'admin')).status).toBe(200);
  });
});

describe('recall API: opening and reading cases', () => {
  it('forwards a spec with an exact version and answers 201 with the case as JSON', async () => {
    const reply = await api('POST', 'recalls', 'alice', { spec: '@acme/lib@1.0.1', reason: 'account takeover', severity: 'critical', views: ['prod', 'staging'], drill: true });
    expect(reply.status).toBe(201);
    expect(recall.last(Commands.recallOpen)).toMatchObject({
      name: '@acme/lib',
      versions: ['1.0.1'],
      versionRange: '',
      reason: 'account takeover',
      severity: Severity.CRITICAL,
      views: ['prod', 'staging'],
      drill: true,
      requestedBy: { principal: 'alice', tokenId: tokenKeyOf(tokens.alice) },
    });
    // The case in the contracts' JSON: every scalar and list present, enums by name, timestamps RFC 3339.
    expect(reply.json).toEqual({
      recallId: 'rc-1',
      trigger: 'RECALL_TRIGGER_MANUAL',
      advisoryId: '',
      severity: 'SEVERITY_CRITICAL',
      reason: 'account takeover',
      affected: [{ name: '@acme/lib', version: '1.0.1' }],
      views: ['prod', 'staging'],
      drill: true,
      status: 'open',
      resolution: 'RECALL_RESOLUTION_UNSPECIFIED',
      evidenceJson: '',
      openedBy: 'alice',
      openedAt: '2026-12-01T10:00:00Z',
      timeToDetectMs: -1,
      timeToContainMs: -1,
      timeline: [],
      enforcements: [],
      exposures: [],
      suggestions: [],
      overrides: [],
      steps: [],
    });
  });

  it('forwards ranges and lists of versions', async () => {
    expect((await api('POST', 'recalls', 'alice', { spec: '@acme/lib@>=1.0.0 <2', reason: 'r', severity: 'low' })).status).toBe(201);
    expect(recall.last(Commands.recallOpen)).toMatchObject({ name: '@acme/lib', versions: [], versionRange: '>=1.0.0 <2', severity: Severity.LOW, views: [], drill: false });
    expect((await api('POST', 'recalls', 'alice', { name: '@acme/lib', versions: ['1.0.1', '1.0.0'], range: '^0.9.0', reason: 'r', severity: 'info' })).status).toBe(201);
    expect(recall.last(Commands.recallOpen)).toMatchObject({ versions: ['1.0.1', '1.0.0'], versionRange: '^0.9.0', severity: Severity.INFO });
  });

  it.each([
    [{ reason: 'r', severity: 'high' }, 'bad request: name is required'],
    [{ spec: '@acme/lib', reason: 'r', severity: 'high' }, 'bad request: spec must be <name>@<version or range>, got "@acme/lib"'],
    [{ spec: '@acme/lib@not a range', reason: 'r', severity: 'high' }, 'bad request: "not a range" is neither a version nor a semver range'],
    [{ spec: '@acme/lib@1.0.1', severity: 'high' }, 'bad request: reason is required'],
    [{ spec: '@acme/lib@1.0.1', reason: 'r', severity: 'urgent' }, 'bad request: severity is required: one of info, low, medium, high, critical'],
    [{ spec: '@acme/lib@1.0.1', reason: 'r', severity: 'high', views: ['qa'] }, 'bad request: views entry "qa" is not a view of this registry (dev, staging, prod)'],
    [{ spec: '@acme/lib@1.0.1', reason: 'r', severity: 'high', drill: 'yes' }, 'bad request: drill must be true or false'],
    [{ name: '@acme/lib', versions: ['^1.0.0'], reason: 'r', severity: 'high' }, 'bad request: versions must be exact versions (not "^1.0.0"); use range for ranges'],
    [{ name: '@acme/lib', reason: 'r', severity: 'high' }, 'bad request: versions (a list of exact versions) or range is required'],
    [{ spec: '@acme/lib@1.0.1', name: '@acme/lib', reason: 'r', severity: 'high' }, 'bad request: give either spec, or name with versions and/or range'],
    [['not', 'an', 'object'], 'bad request: expected a JSON object body'],
  ])('refuses %j with 400', async (body, error) => {
    const before = recall.count(Commands.recallOpen);
    const reply = await api('POST', 'recalls', 'alice', body);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe(error);
    expect(recall.count(Commands.recallOpen)).toBe(before);
  });

  it('answers a refusal of the recall service with its message and code', async () => {
    const reply = await api('POST', 'recalls', 'alice', { spec: '@acme/lib@9.x', reason: 'r', severity: 'high' });
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ code: 'PAL_ERR_NOT_FOUND', error: 'not found: no version of @acme/lib matches 9.x', reason: 'RECALL_NO_MATCHING_VERSION', reasons: [] });
  });

  it('lists cases with the filters forwarded, and shows one', async () => {
    const list = await api('GET', 'recalls?name=%40acme%2Flib&status=contained&limit=20', 'bob');
    expect(recall.last(Commands.recallList)).toMatchObject({ name: '@acme/lib', status: 'contained', limit: 20 });
    expect((list.json.recalls as Array<{ recallId: string; status: string }>).map((c) => [c.recallId, c.status])).toEqual([
      ['rc-2', 'open'],
      ['rc-1', 'contained'],
    ]);
    expect((await api('GET', 'recalls?status=pending', 'bob')).json.error).toBe('bad request: status must be one of open, contained, closed');
    expect((await api('GET', 'recalls?limit=0', 'bob')).json.error).toBe('bad request: limit must be a whole number from 1 to 1000');
    const shown = await api('GET', 'recalls/rc-1', 'bob');
    expect(shown.json).toMatchObject({ recallId: 'rc-1', affected: [{ name: '@acme/lib', version: '1.0.1' }] });
    expect(shown.headers.get('cache-control')).toBe('no-store');
    const missing = await api('GET', 'recalls/rc-9', 'bob');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'PAL_ERR_NOT_FOUND', error: 'not found: no recall rc-9', reason: 'RECALL_NOT_FOUND' });
  });

  it('answers 503 when the recall service does not answer', async () => {
    await recall.silence(Commands.recallList);
    const reply = await api('GET', 'recalls', 'bob');
    expect(reply.status).toBe(503);
    expect(reply.json).toEqual({ code: 'PAL_ERR_UNAVAILABLE', error: 'temporarily unavailable: the recall service did not answer; try again shortly' });
    await recall.serve(Commands.recallList, () => ({ outcome: { case: 'found' as const, value: { recalls: [] } } }));
    expect((await api('GET', 'recalls', 'bob')).json).toEqual({ recalls: [] });
  });

  it('refuses bodies over 64 KiB before parsing them', async () => {
    const countBefore = recall.count(Commands.recallOpen);
    const reply = await api('POST', 'recalls', 'alice', { spec: '@acme/lib@1.0.1', severity: 'high', reason: 'x'.repeat(70 * 1024) });
    expect(reply.status).toBe(413);
    expect(reply.json).toEqual({ code: 'PAL_ERR_TOO_LARGE', error: `request too large: this request body may be at most ${64 * 1024} bytes` });
    // Sent in chunks without a Content-Length: read up to the limit, refused beyond it.
    const chunkedPost = (parts: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${h.origin}/-/palisade/v1/recalls`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.alice}` } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        for (const part of parts) req.write(part);
        req.end();
      });
    const chunked = await chunkedPost(['{"spec":"@acme/lib@1.0.1","severity":"high","reason":"', ...Array<string>(70).fill('x'.repeat(1024)), '"}']);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toEqual({ code: 'PAL_ERR_TOO_LARGE', error: `request too large: this request body may be at most ${64 * 1024} bytes` });
    expect(recall.count(Commands.recallOpen)).toBe(countBefore);
    expect((await chunkedPost(['{"spec":"@acme/lib@1.0.1",', '"severity":"high","reason":"small"}'])).status).toBe(201);
  });
});

describe('recall API: overrides, approvals and closing', () => {
  it('forwards a waiver request with its duration in seconds and answers 202 with the case', async () => {
    const reply = await api('POST', 'recalls/rc-1/overrides', 'alice', { kind: 'waiver', view: 'prod', duration: '1d12h', reason: 'hotfix window' });
    expect(reply.status).toBe(202);
    expect(recall.last(Commands.recallRequestOverride)).toMatchObject({
      recallId: 'rc-1',
      kind: 'waiver',
      view: 'prod',
      durationSeconds: 36 * 3600,
      reason: 'hotfix window',
      requestedBy: { principal: 'alice', tokenId: tokenKeyOf(tokens.alice) },
    });
    expect(reply.json.overrides).toEqual([{ id: 'ov-1', kind: 'waiver', view: 'prod', reason: 'hotfix window', requestedBy: 'alice', state: 'pending', approvedBy: '' }]);
    expect((await api('POST', 'recalls/rc-1/overrides', 'alice', { kind: 'waiver', view: 'prod', duration: 600, reason: 'r' })).status).toBe(202);
    expect(recall.last(Commands.recallRequestOverride)?.durationSeconds).toBe(600);
  });

  it('forwards a false-positive request', async () => {
    expect((await api('POST', 'recalls/rc-1/overrides', 'admin', { kind: 'false-positive', reason: 'not compromised' })).status).toBe(202);
    expect(recall.last(Commands.recallRequestOverride)).toMatchObject({ kind: 'false-positive', view: '', durationSeconds: 0, reason: 'not compromised', requestedBy: { principal: 'admin' } });
  });

  it.each([
    [{ kind: 'pardon', reason: 'r' }, 'bad request: kind is required: waiver or false-positive'],
    [{ kind: 'waiver', view: 'prod', duration: '24h' }, 'bad request: reason is required'],
    [{ kind: 'waiver', duration: '24h', reason: 'r' }, 'bad request: view is required'],
    [{ kind: 'waiver', view: 'qa', duration: '24h', reason: 'r' }, 'bad request: view "qa" is not a view of this registry (dev, staging, prod)'],
    [{ kind: 'waiver', view: 'prod', reason: 'r' }, 'bad request: duration is required: whole seconds, or a duration such as 24h, 90m, 7d'],
    [{ kind: 'waiver', view: 'prod', duration: '31d', reason: 'r' }, 'bad request: duration must be between 1 second and 30 days (got 2678400 s)'],
    [{ kind: 'waiver', view: 'prod', duration: 1.5, reason: 'r' }, 'bad request: duration is required: whole seconds, or a duration such as 24h, 90m, 7d'],
    [{ kind: 'false-positive', view: 'prod', reason: 'r' }, 'bad request: a false positive releases every view for good: view and duration do not apply'],
  ])('refuses the override %j with 400', async (body, error) => {
    const reply = await api('POST', 'recalls/rc-1/overrides', 'alice', body);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe(error);
  });

  it('refuses a self-approval as the recall service says, and forwards another person’s', async () => {
    const self = await api('POST', 'recalls/rc-1/overrides/ov-1/approve', 'alice', { comment: 'lgtm' });
    expect(self.status).toBe(403);
    expect(self.json).toMatchObject({ code: 'PAL_ERR_FORBIDDEN', reason: 'RECALL_SELF_APPROVAL', error: 'forbidden: alice requested this override and cannot approve it; another person must' });
    const approved = await h.call('POST', '/-/palisade/v1/recalls/rc-1/overrides/ov-1/approve', { token: tokens.admin });
    expect(approved.status).toBe(200);
    expect(recall.last(Commands.recallApproveOverride)).toMatchObject({ recallId: 'rc-1', overrideId: 'ov-1', comment: '', approver: { principal: 'admin', tokenId: tokenKeyOf(tokens.admin) } });
    expect(approved.json.overrides).toEqual([{ id: 'ov-1', kind: 'waiver', view: '', reason: '', requestedBy: '', state: 'approved', approvedBy: 'admin' }]);
  });

  it('closes a case with a reason', async () => {
    expect((await api('POST', 'recalls/rc-1/close', 'alice', {})).json.error).toBe('bad request: reason is required');
    const closed = await api('POST', 'recalls/rc-1/close', 'alice', { reason: 'contained; consumers moved' });
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({ recallId: 'rc-1', status: 'closed', reason: 'contained; consumers moved' });
    expect(recall.last(Commands.recallClose)).toMatchObject({ recallId: 'rc-1', reason: 'contained; consumers moved', closedBy: { principal: 'alice' } });
  });
});

describe('deployment reports', () => {
  const integrity = integrityOf(Buffer.from('lib 1.0.1'));
  const lockfile = {
    name: 'checkout-api',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'checkout-api', version: '1.0.0', dependencies: { '@acme/lib': '1.0.1' } },
      'node_modules/@acme/lib': { version: '1.0.1', resolved: 'http://127.0.0.1:4873/prod/@acme/lib/-/lib-1.0.1.tgz', integrity, dependencies: { tiny: '^2.0.0' } },
      'node_modules/tiny': { version: '2.0.0', resolved: 'http://127.0.0.1:4873/prod/tiny/-/tiny-2.0.0.tgz' },
    },
  };

  it('parses an npm v3 lockfile sent with a read-only CI token and forwards its packages, the view taken from the URL', async () => {
    const reply = await h.call('POST', '/prod/-/palisade/v1/deployments', {
      token: tokens.ciReadonly,
      body: { service: 'checkout-api', environment: 'production', reference: 'https://ci.example.test/run/42', lockfile: JSON.stringify(lockfile, null, 2), filename: 'package-lock.json' },
    });
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({ deploymentId: 'dep-1', packages: 2, affectedBy: ['rc-1'] });
    expect(recall.last(Commands.recallReportDeployment)).toMatchObject({
      service: 'checkout-api',
      environment: 'production',
      view: 'prod',
      format: 'npm-v3',
      reference: 'https://ci.example.test/run/42',
      reportedBy: { principal: 'ci-deployer', tokenId: tokenKeyOf(tokens.ciReadonly) },
      packages: [
        { name: '@acme/lib', version: '1.0.1', direct: true, integrity },
        { name: 'tiny', version: '2.0.0', direct: false, integrity: '' },
      ],
    });
  });

  it('takes the lockfile as a JSON object too, and an explicit view', async () => {
    const reply = await api('POST', 'deployments', 'ciReadonly', { service: 'billing', environment: 'staging', view: 'staging', lockfile: { ...lockfile, packages: { '': lockfile.packages[''], 'node_modules/tiny': lockfile.packages['node_modules/tiny'] } } });
    expect(reply.json).toEqual({ deploymentId: 'dep-1', packages: 1, affectedBy: [] });
    expect(recall.last(Commands.recallReportDeployment)).toMatchObject({ view: 'staging', packages: [{ name: 'tiny', direct: false }] });
  });

  it.each([
    [{ environment: 'production', lockfile: '{}' }, 400, 'PAL_ERR_BAD_REQUEST', 'bad request: service is required'],
    [{ service: 's', lockfile: '{}' }, 400, 'PAL_ERR_BAD_REQUEST', 'bad request: environment is required'],
    [{ service: 's', environment: 'e', view: 'qa', lockfile: '{}' }, 400, 'PAL_ERR_BAD_REQUEST', 'bad request: view "qa" is not a view of this registry (dev, staging, prod)'],
    [{ service: 's', environment: 'e' }, 400, 'PAL_ERR_BAD_REQUEST', 'bad request: send exactly one of lockfile (its text, or a JSON lockfile) and sbom (a CycloneDX JSON document)'],
    [{ service: 's', environment: 'e', lockfile: { lockfileVersion: 1, dependencies: {} } }, 400, 'PAL_ERR_LOCKFILE_UNSUPPORTED', undefined],
    [{ service: 's', environment: 'e', lockfile: '{ "lockfileVersion": 3, ' }, 422, 'PAL_ERR_LOCKFILE_INVALID', undefined],
    [{ service: 's', environment: 'e', sbom: { lockfileVersion: 3, packages: {} } }, 400, 'PAL_ERR_LOCKFILE_UNSUPPORTED', 'unsupported lockfile or SBOM: sbom must be CycloneDX JSON (this is npm-v3); send lockfiles as lockfile'],
  ])('refuses %j', async (body, status, code, error) => {
    const before = recall.count(Commands.recallReportDeployment);
    const reply = await api('POST', 'deployments', 'ciReadonly', body);
    expect({ status: reply.status, code: reply.json.code }).toEqual({ status, code });
    if (error) expect(reply.json.error).toBe(error);
    expect(recall.count(Commands.recallReportDeployment)).toBe(before);
  });

  it('accepts a lockfile larger than the 64 KiB other recall routes allow', async () => {
    const packages: Record<string, unknown> = { '': { name: 'big', version: '1.0.0' } };
    for (let i = 0; i < 1_000; i += 1) packages[`node_modules/pkg-${i}`] = { version: '1.0.0', resolved: `http://127.0.0.1:4873/prod/pkg-${i}/-/pkg-${i}-1.0.0.tgz`, integrity };
    const reply = await api('POST', 'deployments', 'ciReadonly', { service: 'big', environment: 'e', lockfile: JSON.stringify({ lockfileVersion: 3, packages }) });
    expect(reply.status).toBe(201);
    expect(reply.json.packages).toBe(1_000);
  });
});

describe('alerts', () => {
  it('forwards the cursor, filter and limit, and answers each alert with its CloudEvent parsed', async () => {
    const reply = await api('GET', `alerts?after=41&subject=${encodeURIComponent('alerts.recall.>')}&limit=50`, 'admin');
    expect(reply.status).toBe(200);
    expect(recall.last(Commands.recallAlerts)).toMatchObject({ after: 41n, subjectFilter: 'alerts.recall.>', limit: 50 });
    expect(reply.json).toEqual({
      alerts: [
        { seq: '42', subject: 'alerts.recall.high.opened', event: { specversion: '1.0', type: 'io.palisade.alert.v1', data: { kind: 'opened', recallId: 'rc-1', drill: false } } },
        { seq: '43', subject: 'alerts.recall.high.contained', event: null },
      ],
      lastSeq: '43',
    });
    expect(recall.last(Commands.recallAlerts)).toMatchObject({ after: 41n });
    await api('GET', 'alerts', 'admin');
    expect(recall.last(Commands.recallAlerts)).toMatchObject({ after: 0n, subjectFilter: '', limit: 0 });
  });

  it.each([
    ['after=-1', 'bad request: after must be a sequence number (a whole number)'],
    ['subject=alerts.recall.%3E.x', 'bad request: subject "alerts.recall.>.x" is not an alert subject filter such as alerts.recall.>: \'>\' may only be the last token'],
    ['subject=registry.evt.%3E', 'bad request: subject "registry.evt.>" is not an alert subject filter such as alerts.recall.>: alert subjects start with "alerts."'],
    ['limit=5000', 'bad request: limit must be a whole number from 1 to 1000'],
  ])('refuses ?%s', async (query, error) => {
    const reply = await api('GET', `alerts?${query}`, 'admin');
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe(error);
  });
});

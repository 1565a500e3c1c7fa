import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { RecallCaseSchema } from '@palisade/contracts';
import { runCommand, spawnChild, waitFor } from '@palisade/testing';
import { FakeRecallGateway } from '../__fixtures__/fake-recall-gateway';
import { main } from '../main';

const repo = resolve(__dirname, '../../../..');

// The recall, deployment and alert commands against a real HTTP server that answers the
// gateway's routes with canned protobuf JSON (the end-to-end test runs them against Palisade).
describe('palisade recall, deployment and alerts against the registry API', () => {
  let gateway: FakeRecallGateway;
  let home: string;

  /** Runs the CLI in this process as `who` (the fake knows tok-alice and tok-admin). */
  const run = async (args: readonly string[], who = 'alice', signal?: AbortSignal) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { HOME: home, PALISADE_REGISTRY: `${gateway.url}/prod/`, PALISADE_TOKEN: `tok-${who}` };
    const code = await main(args, (t) => out.push(t), (t) => err.push(t), env, home, signal);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };
  const lastRequest = () => gateway.requests[gateway.requests.length - 1];

  beforeAll(async () => {
    gateway = await FakeRecallGateway.start();
    home = await mkdtemp(join(tmpdir(), 'palisade-cli-recall-'));
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('opens a recall and prints the case, or its protobuf JSON with --json', async () => {
    const human = await run(['recall', 'open', '@rc/lib@>=1.0.1 <1.0.2', '--reason', 'maintainer account hijacked', '--severity', 'critical', '--view', 'prod', '--view', 'staging']);
    expect({ code: human.code, stderr: human.stderr }).toEqual({ code: 0, stderr: '' });
    expect(lastRequest()).toEqual({
      method: 'POST',
      path: '/-/palisade/v1/recalls',
      principal: 'alice',
      body: { spec: '@rc/lib@>=1.0.1 <1.0.2', reason: 'maintainer account hijacked', severity: 'critical', views: ['prod', 'staging'] },
    });
    expect(human.stdout.split('\n').slice(0, 3)).toEqual([
      'opened recall rc-7f3a for @rc/lib@1.0.1 in prod, staging',
      '',
      'recall rc-7f3a: open, severity critical, manual',
    ]);
    const json = await run(['recall', 'open', '@rc/lib@1.0.1', '--reason', 'r', '--severity', 'high', '--json']);
    expect(json.code).toBe(0);
    expect(lastRequest().body).toEqual({ spec: '@rc/lib@1.0.1', reason: 'r', severity: 'high' });
    expect(fromJson(RecallCaseSchema, JSON.parse(json.stdout) as JsonValue).recallId).toBe('rc-7f3a');
  });

  it('lists cases with the name and status asked for', async () => {
    const listed = await run(['recall', 'list', '@rc/lib', '--status', 'open']);
    expect(listed.code).toBe(0);
    expect(lastRequest().path).toBe('/-/palisade/v1/recalls?name=%40rc%2Flib&status=open');
    expect(listed.stdout).toMatch(/^rc-7f3a {2}open {2}critical {2}manual {2}@rc\/lib@1\.0\.1 {2}2026-12-06T10:00:00\.000Z {2}r$/);
    expect((await run(['recall', 'list', '--json'])).stdout).toContain('"recallId": "rc-drill-1"');
  });

  it('shows a case with who is exposed and the command each should run; an unknown case exits 1', async () => {
    const shown = await run(['recall', 'show', 'rc-7f3a']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('ci-deployer (token tok-9) fetched @rc/lib@1.0.1 from prod 3×');
    expect(shown.stdout).toContain('checkout-api (production) dep-1 runs @rc/lib@1.0.1 from prod');
    expect(shown.stdout).toContain('      → npm install @rc/lib@1.0.0');
    expect(shown.stdout).toContain('time to detect: 4.2 s; time to contain: 1.3 s');
    const unknown = await run(['recall', 'show', 'rc-nope']);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'palisade: recall rc-nope not found' });
  });

  it('requests a waiver that only another person can approve', async () => {
    const waiver = await run(['recall', 'waive', 'rc-7f3a', '--view', 'prod', '--for', '1h', '--reason', 'hotfix window']);
    expect(waiver.code).toBe(0);
    expect(lastRequest()).toMatchObject({ path: '/-/palisade/v1/recalls/rc-7f3a/overrides', body: { kind: 'waiver', view: 'prod', duration: '1h', reason: 'hotfix window' } });
    expect(waiver.stdout.split('\n')[0]).toBe('waiver ov-1 of prod for 1h requested; it takes effect once another person runs: palisade recall approve rc-7f3a ov-1');
    expect(waiver.stdout).toContain('  ov-1  waiver of prod until 2026-12-06T13:00:00.000Z, requested by alice at 2026-12-06T12:00:00.000Z: pending: another person must approve it');

    const self = await run(['recall', 'approve', 'rc-7f3a', 'ov-1']);
    expect(self).toEqual({ code: 1, stdout: '', stderr: 'palisade: alice requested override ov-1 and cannot approve it' });
    const approved = await run(['recall', 'approve', 'rc-7f3a', 'ov-1', '--comment', 'ok for the hotfix'], 'admin');
    expect(approved.code).toBe(0);
    expect(lastRequest()).toMatchObject({ path: '/-/palisade/v1/recalls/rc-7f3a/overrides/ov-1/approve', principal: 'admin', body: { comment: 'ok for the hotfix' } });
    expect(approved.stdout.split('\n')[0]).toBe('override ov-1 (waiver of prod) approved');
    expect(approved.stdout).toContain('approved by admin');
  });

  it('requests a false-positive close, approves it, and closes a case', async () => {
    const fp = await run(['recall', 'false-positive', 'rc-7f3a', '--reason', 'not compromised', '--json']);
    expect(fp.code).toBe(0);
    expect(lastRequest().body).toEqual({ kind: 'false-positive', reason: 'not compromised' });
    const fpId = fromJson(RecallCaseSchema, JSON.parse(fp.stdout) as JsonValue).overrides.find((o) => o.kind === 'false-positive')?.id;
    expect(fpId).toBe('ov-2');
    const approved = await run(['recall', 'approve', 'rc-7f3a', 'ov-2'], 'admin');
    expect(approved.code).toBe(0);
    expect(lastRequest().body).toEqual({});
    expect(approved.stdout).toMatch(/^recall rc-7f3a: closed \(false-positive\)/m);
    const closed = await run(['recall', 'close', 'rc-7f3a', '--reason', 'fixed in 1.0.2']);
    expect(closed.code).toBe(0);
    expect(lastRequest()).toMatchObject({ path: '/-/palisade/v1/recalls/rc-7f3a/close', body: { reason: 'fixed in 1.0.2' } });
    expect(closed.stdout.split('\n')[0]).toBe('closed recall rc-7f3a; its quarantines stay in force');
  });

  it('runs a drill: each step with its duration, and no view changed', async () => {
    const drill = await run(['recall', 'drill', '@rc/lib@1.0.0', '--reason', 'quarterly drill'], 'admin');
    expect(drill.code).toBe(0);
    expect(lastRequest().body).toEqual({ spec: '@rc/lib@1.0.0', reason: 'quarterly drill', severity: 'high', drill: true });
    expect(drill.stdout).toContain('  3.  blast radius      30.1 ms  2 downloads, 1 deployment');
    expect(drill.stdout).toContain('no view changed');
  });

  it('reports a deployment from a lockfile or a CycloneDX SBOM', async () => {
    const dir = await mkdtemp(join(home, 'project-'));
    const lock = JSON.stringify({ name: 'checkout-api', lockfileVersion: 3, packages: { '': {}, 'node_modules/@rc/lib': { version: '1.0.1' } } });
    await writeFile(join(dir, 'package-lock.json'), lock);
    const reported = await run(['deployment', 'report', '--service', 'checkout-api', '--environment', 'production', '--view', 'prod', '--reference', 'run-42', join(dir, 'package-lock.json')]);
    expect({ code: reported.code, stderr: reported.stderr }).toEqual({ code: 0, stderr: '' });
    expect(lastRequest().body).toEqual({ service: 'checkout-api', environment: 'production', view: 'prod', reference: 'run-42', filename: 'package-lock.json', lockfile: lock });
    expect(reported.stdout).toMatch(/^deployment dep-\d+ of checkout-api \(production\): 2 packages recorded\n {2}no open recall affects it$/);

    const sbom = { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'lib', group: '@rc', version: '1.0.1' }] };
    await writeFile(join(dir, 'bom.json'), JSON.stringify(sbom));
    // A relative path is read from the working folder.
    const exposed = await run(['deployment', 'report', '--service', 'exposed-api', '--environment', 'staging', join(dir.slice(home.length + 1), 'bom.json')]);
    expect(exposed.code).toBe(0);
    expect(lastRequest().body).toEqual({ service: 'exposed-api', environment: 'staging', filename: 'bom.json', sbom });
    expect(exposed.stdout).toContain('affected by open recall rc-7f3a');
    const missing = await run(['deployment', 'report', '--service', 's', '--environment', 'e', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^palisade: cannot read .*nope\.json/);
  });

  it('tails alerts: --from-start --max prints what is recorded and stops; without --from-start only new ones', async () => {
    gateway.raise('alerts.security.high.tamper', 'tarball of x@1.0.0 changed upstream');
    gateway.raise('alerts.recall.critical.opened', 'recall rc-7f3a opened for @rc/lib@1.0.1', 'rc-7f3a');
    gateway.raise('alerts.recall.critical.contained', 'recall rc-7f3a contained in 1.3 s', 'rc-7f3a');

    const backlog = await run(['alerts', 'tail', 'alerts.recall.>', '--from-start', '--max', '50', '--interval-ms', '50']);
    expect(backlog).toEqual({
      code: 0,
      stdout: ['2026-12-06T10:00:02.000Z alerts.recall.critical.opened recall rc-7f3a opened for @rc/lib@1.0.1', '2026-12-06T10:00:03.000Z alerts.recall.critical.contained recall rc-7f3a contained in 1.3 s'].join('\n'),
      stderr: '',
    });
    expect(lastRequest().path).toBe('/-/palisade/v1/alerts?after=0&subject=alerts.recall.%3E&limit=50');
    const json = await run(['alerts', 'tail', '--from-start', '--json', '--max', '2']);
    const events = json.stdout.split('\n').map((line) => JSON.parse(line) as { specversion: string; subject: string; data: { kind: string } });
    expect(events.map((e) => [e.specversion, e.subject])).toEqual([
      ['1.0', 'alerts.recall.critical.opened'],
      ['1.0', 'alerts.recall.critical.contained'],
    ]);

    // Following: only alerts raised after the start, until --max of them.
    const following = run(['alerts', 'tail', 'alerts.recall.>', '--max', '2', '--interval-ms', '20']);
    await waitFor(() => gateway.requests.filter((r) => r.path.startsWith('/-/palisade/v1/alerts?after=3')).length > 0, { message: 'the tail polls after the last alert' });
    gateway.raise('alerts.security.critical.malware', 'malware in y@2.0.0');
    gateway.raise('alerts.recall.high.opened', 'recall rc-2 opened', 'rc-2');
    gateway.raise('alerts.recall.high.enforced', 'recall rc-2 enforced in prod', 'rc-2');
    gateway.raise('alerts.recall.high.contained', 'recall rc-2 contained', 'rc-2');
    expect((await following).stdout.split('\n')).toEqual([
      '2026-12-06T10:00:05.000Z alerts.recall.high.opened recall rc-2 opened',
      '2026-12-06T10:00:06.000Z alerts.recall.high.enforced recall rc-2 enforced in prod',
    ]);
  });

  it('stops tailing when interrupted', async () => {
    const controller = new AbortController();
    const tail = run(['alerts', 'tail', '--interval-ms', '20'], 'alice', controller.signal);
    const polls = gateway.requests.length;
    await waitFor(() => gateway.requests.length > polls + 2, { message: 'polling' });
    controller.abort();
    expect(await tail).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('shows that an alert the registry could not read happened, and leaves it out of --json', async () => {
    gateway.raise('alerts.audit.low.broken', 'never shown', undefined, true);
    const ok = gateway.raise('alerts.audit.low.ok', 'audit log verified');
    const human = await run(['alerts', 'tail', 'alerts.audit.>', '--from-start', '--max', '5']);
    expect(human.stdout.split('\n')).toEqual([`- alerts.audit.low.broken (alert ${ok.seq - 1} could not be read)`, `2026-12-06T10:00:${String(ok.seq).padStart(2, '0')}.000Z alerts.audit.low.ok audit log verified`]);
    const json = await run(['alerts', 'tail', 'alerts.audit.>', '--from-start', '--max', '5', '--json']);
    expect(json.stdout.split('\n').map((line) => (JSON.parse(line) as { subject: string }).subject)).toEqual(['alerts.audit.low.ok']);
  });

  it('says when the registry is unreachable (exit 3) or refuses the token (exit 2)', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const unreachable = await main(['recall', 'list'], (t) => out.push(t), (t) => err.push(t), { HOME: home, PALISADE_REGISTRY: 'http://127.0.0.1:9/', PALISADE_TOKEN: 't' }, home);
    expect(unreachable).toBe(3);
    expect(err.join('\n')).toMatch(/^palisade: cannot reach http:\/\/127\.0\.0\.1:9\/-\/palisade\/v1\/recalls/);
    const refused = await run(['alerts', 'tail'], 'mallory');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('did not accept the token (401)');
  });

  it('runs as an executable: alerts tail prints as alerts arrive and Ctrl-C ends it with exit code 0', async () => {
    const cli = ['-r', join(repo, 'libs/testing/register.cjs'), join(repo, 'apps/cli/src/main.ts')];
    const env = { ...process.env, HOME: home, PALISADE_REGISTRY: `${gateway.url}/dev/`, PALISADE_TOKEN: 'tok-admin' };
    const help = await runCommand(process.execPath, [...cli, 'recall', '--help'], { cwd: home, env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: palisade recall open <name>@<range>');

    const child = spawnChild(process.execPath, [...cli, 'alerts', 'tail', 'alerts.recall.>', '--interval-ms', '50'], { cwd: home, env });
    const polled = gateway.requests.length;
    await waitFor(() => gateway.requests.length > polled + 1, { timeoutMs: 20_000, message: 'the tail polls' });
    gateway.raise('alerts.recall.critical.opened', 'recall rc-3 opened', 'rc-3');
    await child.waitForLine(/alerts\.recall\.critical\.opened recall rc-3 opened$/, 10_000);
    expect(await child.kill('SIGINT')).toEqual({ code: 0, signal: null });
    expect(child.stderr).toEqual([]);
  });
});

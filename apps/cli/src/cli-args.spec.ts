import { parseCliArgs } from './cli-args';

describe('parseCliArgs', () => {
  it('reads verify and its options, requiring attestations by default', () => {
    expect(parseCliArgs(['verify'])).toEqual({ command: 'verify', lockfile: 'package-lock.json', json: false, requireAttestations: true });
    expect(parseCliArgs(['verify', '--registry', 'http://r/dev/', '--lockfile', 'x.json', '--json', '--no-require-attestations'])).toEqual({
      command: 'verify',
      registry: 'http://r/dev/',
      lockfile: 'x.json',
      json: true,
      requireAttestations: false,
    });
  });

  it('refuses unknown commands, options and a registry that is not a URL', () => {
    expect(() => parseCliArgs(['publish'])).toThrow(/unknown command publish/);
    expect(() => parseCliArgs(['verify', '--nope'])).toThrow(/usage: palisade verify/);
    expect(() => parseCliArgs(['verify', '--registry', 'nope'])).toThrow(/not a URL/);
    expect(parseCliArgs([])).toEqual({ command: 'help' });
  });
});

describe('parseCliArgs for the promotion commands', () => {
  it('reads promote, approve and status with scoped names', () => {
    expect(parseCliArgs(['promote', '@acme/app@1.2.0', '--to', 'prod', '--reason', 'release 1.2', '--dry-run', '--registry', 'http://r/dev/'])).toEqual({
      command: 'promote',
      spec: { name: '@acme/app', version: '1.2.0' },
      to: 'prod',
      reason: 'release 1.2',
      dryRun: true,
      connection: { registry: 'http://r/dev/', json: false },
    });
    expect(parseCliArgs(['approve', 'app@1.0.0', '--to', 'prod', '--token', 'pal_x', '--json'])).toEqual({
      command: 'approve',
      spec: { name: 'app', version: '1.0.0' },
      to: 'prod',
      comment: '',
      connection: { token: 'pal_x', json: true },
    });
    expect(parseCliArgs(['status', '@acme/app'])).toMatchObject({ command: 'status', name: '@acme/app', version: '' });
    expect(parseCliArgs(['status', '@acme/app@1.0.0'])).toMatchObject({ command: 'status', name: '@acme/app', version: '1.0.0' });
  });

  it('reads policy show and policy apply', () => {
    expect(parseCliArgs(['policy', 'show', 'prod'])).toMatchObject({ command: 'policy-show', view: 'prod' });
    expect(parseCliArgs(['policy', 'show'])).toMatchObject({ command: 'policy-show', view: '' });
    expect(parseCliArgs(['policy', 'apply', 'p.yaml', '--dry-run', '--comment', 'try'])).toMatchObject({ command: 'policy-apply', file: 'p.yaml', dryRun: true, comment: 'try' });
  });

  it('refuses what a command does not take, with the usage', () => {
    expect(() => parseCliArgs(['promote', '@acme/app', '--to', 'prod'])).toThrow(/expected <name>@<version>, got "@acme\/app"/);
    expect(() => parseCliArgs(['promote', 'app@1.0.0'])).toThrow(/promote needs --to <view>/);
    expect(() => parseCliArgs(['approve', 'app@1.0.0', '--to', 'prod', '--dry-run'])).toThrow(/approve does not take --dry-run/);
    expect(() => parseCliArgs(['policy', 'apply'])).toThrow(/policy apply takes one <file.yaml>/);
    expect(() => parseCliArgs(['policy', 'delete'])).toThrow(/unknown command policy delete/);
    expect(() => parseCliArgs(['status', 'app', '--to', 'x'])).toThrow(/status does not take --to/);
  });
});

describe('parseCliArgs for recalls, deployments and alerts', () => {
  const connection = { json: false };

  it('reads recall open with its views, and drill with its defaults', () => {
    expect(parseCliArgs(['recall', 'open', '@acme/app@>=1.2.0 <1.2.5', '--reason', 'hijacked', '--severity', 'CRITICAL', '--view', 'prod', '--view', 'staging', '--view', 'prod'])).toEqual({
      command: 'recall-open',
      spec: '@acme/app@>=1.2.0 <1.2.5',
      reason: 'hijacked',
      severity: 'critical',
      views: ['prod', 'staging'],
      connection,
    });
    expect(parseCliArgs(['recall', 'drill', 'app@1.0.0', '--json'])).toEqual({ command: 'recall-drill', spec: 'app@1.0.0', reason: 'recall drill', severity: 'high', connection: { json: true } });
    expect(parseCliArgs(['recall', 'drill', 'app@1.0.0', '--reason', 'quarterly', '--severity', 'low'])).toMatchObject({ reason: 'quarterly', severity: 'low' });
  });

  it('reads list, show, waive, false-positive, approve and close', () => {
    expect(parseCliArgs(['recall', 'list'])).toEqual({ command: 'recall-list', name: '', status: '', connection });
    expect(parseCliArgs(['recall', 'list', '@acme/app', '--status', 'open'])).toEqual({ command: 'recall-list', name: '@acme/app', status: 'open', connection });
    expect(parseCliArgs(['recall', 'show', 'rc-1', '--registry', 'http://r/prod/', '--token', 't'])).toEqual({ command: 'recall-show', id: 'rc-1', connection: { registry: 'http://r/prod/', token: 't', json: false } });
    expect(parseCliArgs(['recall', 'waive', 'rc-1', '--view', 'prod', '--for', '24h', '--reason', 'hotfix'])).toEqual({
      command: 'recall-waive',
      id: 'rc-1',
      view: 'prod',
      duration: '24h',
      reason: 'hotfix',
      connection,
    });
    expect(parseCliArgs(['recall', 'false-positive', 'rc-1', '--reason', 'not compromised'])).toEqual({ command: 'recall-false-positive', id: 'rc-1', reason: 'not compromised', connection });
    expect(parseCliArgs(['recall', 'approve', 'rc-1', 'ov-2', '--comment', 'ok'])).toEqual({ command: 'recall-approve', id: 'rc-1', overrideId: 'ov-2', comment: 'ok', connection });
    expect(parseCliArgs(['recall', 'approve', 'rc-1', 'ov-2'])).toMatchObject({ comment: '' });
    expect(parseCliArgs(['recall', 'close', 'rc-1', '--reason', 'fixed in 1.0.2'])).toEqual({ command: 'recall-close', id: 'rc-1', reason: 'fixed in 1.0.2', connection });
  });

  it('refuses what a recall command lacks or does not take, with the usage', () => {
    expect(() => parseCliArgs(['recall', 'open', 'app@1.0.0', '--severity', 'high'])).toThrow(/recall open needs --reason <text>[\s\S]*usage: palisade recall open/);
    expect(() => parseCliArgs(['recall', 'open', 'app@1.0.0', '--reason', 'r'])).toThrow(/recall open needs --severity <level>/);
    expect(() => parseCliArgs(['recall', 'open', 'app@1.0.0', '--reason', 'r', '--severity', 'dire'])).toThrow(/--severity must be one of info, low, medium, high, critical \(got "dire"\)/);
    expect(() => parseCliArgs(['recall', 'open', '@acme/app', '--reason', 'r', '--severity', 'high'])).toThrow(/expected <name>@<range>, got "@acme\/app"/);
    expect(() => parseCliArgs(['recall', 'open', 'app@1', '--reason', 'r', '--severity', 'high', '--for', '1h'])).toThrow(/recall open does not take --for/);
    expect(() => parseCliArgs(['recall', 'waive', 'rc-1', '--for', '1h', '--reason', 'r'])).toThrow(/recall waive needs one --view <view>/);
    expect(() => parseCliArgs(['recall', 'waive', 'rc-1', '--view', 'prod', '--for', 'a while', '--reason', 'r'])).toThrow(/--for must be a duration such as 30m, 24h, 7d or 1h30m/);
    expect(parseCliArgs(['recall', 'waive', 'rc-1', '--view', 'prod', '--for', '1h30m', '--reason', 'r'])).toMatchObject({ duration: '1h30m' });
    expect(() => parseCliArgs(['recall', 'false-positive', 'rc-1'])).toThrow(/recall false-positive needs --reason <text>/);
    expect(() => parseCliArgs(['recall', 'approve', 'rc-1'])).toThrow(/recall approve takes <recall-id> <override-id>/);
    expect(() => parseCliArgs(['recall', 'list', '--status', 'gone'])).toThrow(/--status must be one of open, contained, closed/);
    expect(() => parseCliArgs(['recall', 'show'])).toThrow(/recall show takes one <recall-id>/);
    expect(() => parseCliArgs(['recall', 'reopen', 'rc-1'])).toThrow(/unknown command recall reopen rc-1/);
    expect(() => parseCliArgs(['recall'])).toThrow(/recall needs a command/);
    expect(parseCliArgs(['recall', '--help'])).toEqual({ command: 'help', usage: expect.stringContaining('usage: palisade recall open') });
  });

  it('reads deployment report', () => {
    expect(parseCliArgs(['deployment', 'report', '--service', 'checkout-api', '--environment', 'production', '--view', 'prod', '--reference', 'run-42', 'package-lock.json'])).toEqual({
      command: 'deployment-report',
      service: 'checkout-api',
      environment: 'production',
      view: 'prod',
      reference: 'run-42',
      file: 'package-lock.json',
      connection,
    });
    expect(() => parseCliArgs(['deployment', 'report', '--environment', 'production', 'x'])).toThrow(/deployment report needs --service <name>/);
    expect(() => parseCliArgs(['deployment', 'report', '--service', 's', '--environment', 'e'])).toThrow(/deployment report takes one <lockfile-or-sbom> path/);
    expect(() => parseCliArgs(['deployment', 'list'])).toThrow(/unknown command deployment list/);
  });

  it('reads alerts tail with its defaults and limits', () => {
    expect(parseCliArgs(['alerts', 'tail'])).toEqual({ command: 'alerts-tail', filter: '', fromStart: false, intervalMs: 1_000, connection });
    expect(parseCliArgs(['alerts', 'tail', 'alerts.recall.>', '--from-start', '--json', '--max', '50', '--interval-ms', '200'])).toEqual({
      command: 'alerts-tail',
      filter: 'alerts.recall.>',
      fromStart: true,
      intervalMs: 200,
      max: 50,
      connection: { json: true },
    });
    expect(parseCliArgs(['alerts', 'tail', 'alerts.*.critical.*'])).toMatchObject({ filter: 'alerts.*.critical.*' });
    expect(() => parseCliArgs(['alerts', 'tail', 'registry.evt.>'])).toThrow(/is not an alert subject filter/);
    expect(() => parseCliArgs(['alerts', 'tail', '--max', '0'])).toThrow(/--max must be a whole number of at least 1/);
    expect(() => parseCliArgs(['alerts', 'tail', '--interval-ms', 'fast'])).toThrow(/--interval-ms must be a whole number of at least 10/);
    expect(() => parseCliArgs(['alerts', 'tail', '--reason', 'x'])).toThrow(/Unknown option '--reason'/);
    expect(() => parseCliArgs(['alerts'])).toThrow(/alerts needs a command/);
  });
});

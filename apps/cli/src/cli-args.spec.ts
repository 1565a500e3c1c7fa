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

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

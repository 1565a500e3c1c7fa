import { parseLockfile, registryOf } from './lockfile';

const lock = {
  name: 'app',
  lockfileVersion: 3,
  packages: {
    '': { name: 'app', version: '1.0.0', dependencies: { '@s/mid': '^1.0.0' } },
    'node_modules/@s/mid': { version: '1.0.0', resolved: 'http://127.0.0.1:4873/dev/@s/mid/-/mid-1.0.0.tgz', integrity: 'sha512-AAA=' },
    'node_modules/leaf': { version: '2.0.0', resolved: 'http://127.0.0.1:4873/dev/leaf/-/leaf-2.0.0.tgz', integrity: 'sha512-BBB=' },
    'node_modules/@s/mid/node_modules/alias': { name: 'leaf', version: '1.0.0', resolved: 'http://127.0.0.1:4873/dev/leaf/-/leaf-1.0.0.tgz', integrity: 'sha512-CCC=' },
    'node_modules/local': { resolved: 'packages/local', link: true },
  },
};

describe('parseLockfile', () => {
  it('lists the registry packages, with aliases under their real name, and skips links', () => {
    const parsed = parseLockfile(JSON.stringify(lock));
    expect(parsed.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['@s/mid@1.0.0', 'leaf@1.0.0', 'leaf@2.0.0']);
    expect(parsed.skipped).toEqual(['local']);
  });

  it('refuses a v1 lockfile and what is not JSON', () => {
    expect(() => parseLockfile(JSON.stringify({ lockfileVersion: 1, dependencies: {} }))).toThrow(/lockfileVersion 2 or 3/);
    expect(() => parseLockfile('{')).toThrow(/not JSON/);
  });
});

describe('registryOf', () => {
  it('keeps the view prefix of the resolved URL, for scoped and unscoped names', () => {
    const { packages } = parseLockfile(JSON.stringify(lock));
    expect(packages.map(registryOf)).toEqual(['http://127.0.0.1:4873/dev/', 'http://127.0.0.1:4873/dev/', 'http://127.0.0.1:4873/dev/']);
    expect(registryOf({ name: '@s/x', version: '1.0.0', integrity: '', resolved: 'https://r.example.test/@s%2fx/-/x-1.0.0.tgz' })).toBe('https://r.example.test/');
  });
});

import { fixture } from './__fixtures__/fixtures';
import { LockfileError, parseLockfile, type LockedPackage } from './index';

// Every fixture is the same project (see __fixtures__/README.md): root `fixture-app` with a workspace
// `@fixture/app`, an npm alias `beta-alias` → beta-lib@1.0.0, a nested beta-lib@2.1.0 under alpha-lib,
// a peer (plugin-lib → host-lib), a dev and an optional dependency, and link/file/tarball/git deps.
const SRI = {
  epsilon: 'sha512-sXiqdOCxLYXYV3f6+LLjyIDadjfugZMEsrXb4DJ5cH+x4wMu7BW5g/bUXPcBvIMbx56Hg/FFGb6sjAFtuZTBKQ==',
  gamma: 'sha512-vAtFierPSLS4G6ZLalEgug/ji3rmxdXnoupl4T2V7dxQ1eg4CL7tCl85HaSb6FLOud5TGUMbIo6oEohq9lSNmg==',
  alpha: 'sha512-d9sHb2nGO0px3WI/57HKUWf5/sb/uNOmM5SeExMGAVWghVaLnU8gWiAcSHL+ggep2Td60bX92RR57glMkyy5Kg==',
  beta1: 'sha512-Jzl4JQkGtth82uG9Orh69qCmLSOM4eQm0AyAT49I2G1w0R+Pr/BUCy5Q0jNXE2UU8sR28fG7JyfnZ7XRowiH2w==',
  beta2: 'sha512-q0Fb6LqaKTZ1MT6MAclnY0bxlPdX8DAjT11m9m5hG/L1i1KD1twfAuqBjU9pk6HiRVGXCECJZR0BqH0RyXCp3A==',
  delta: 'sha512-bGvcvbINz9BAyIvSQRNf4+rMmgARUqbxglTcqaKxuOA5dfN/nn3k4Ad5iZdbYsZciEKJYoS2552K+tMKcGcHmw==',
  host: 'sha512-Cb+rr0YSzfkzi6ixeKrMzuX5QfbFPPwQYnJ3Wp1gUwU/CsvcHrEyu5KoHylCSUeUB/MoY+l1V/AKMZl4+HaLMg==',
  opt: 'sha512-/dA1JiVrRUDqbMhly5ZuOmQd5xvKam5E8U/ImMeDlTIW6qePdcL/kkfkA2Nze3tjnghZ8O2tuRLh9ioHzxVKGA==',
  plugin: 'sha512-24iDGKj3G8i+PplnnhNz18UdToLeomMiwP2VKBEhvWmtoE04Al5NaFFhOmre38jlKMYD4UWbM+mpwcp/d8xbIw==',
};

const PROJECT: LockedPackage[] = [
  { name: '@fixture/epsilon', version: '1.0.0', direct: false, integrity: SRI.epsilon },
  { name: '@fixture/gamma', version: '3.0.0', direct: true, integrity: SRI.gamma },
  { name: 'alpha-lib', version: '1.2.0', direct: true, integrity: SRI.alpha },
  // Direct through the alias `beta-alias`; also the copy @fixture/gamma and the workspace use.
  { name: 'beta-lib', version: '1.0.0', direct: true, integrity: SRI.beta1 },
  { name: 'beta-lib', version: '2.1.0', direct: false, integrity: SRI.beta2 },
  { name: 'delta-dev', version: '0.1.0', direct: true, integrity: SRI.delta },
  { name: 'host-lib', version: '1.0.0', direct: true, integrity: SRI.host },
  { name: 'opt-lib', version: '1.0.0', direct: true, integrity: SRI.opt },
  { name: 'plugin-lib', version: '1.0.0', direct: true, integrity: SRI.plugin },
];

const withoutIntegrity = (packages: LockedPackage[]): LockedPackage[] => packages.map(({ integrity: _integrity, ...rest }) => rest);

describe('parseLockfile on real and format-exact fixtures', () => {
  it('npm v3 (npm 11): nested node_modules, scoped, alias, dev/optional/peer; links, workspaces, file: and git skipped', () => {
    expect(parseLockfile(fixture('npm-v3.package-lock.json'), { filename: 'package-lock.json' })).toEqual({ format: 'npm-v3', packages: PROJECT });
  });

  it('npm v2 reads the packages section (the legacy dependencies tree is ignored)', () => {
    expect(parseLockfile(fixture('npm-v2.package-lock.json'))).toEqual({ format: 'npm-v2', packages: PROJECT });
  });

  it('npm v1 is refused, saying npm 7+ is needed', () => {
    expect(() => parseLockfile(fixture('npm-v1.package-lock.json'))).toThrow(
      expect.objectContaining({ code: 'LOCKFILE_UNSUPPORTED', message: expect.stringMatching(/npm 7 or newer/) }),
    );
  });

  it('pnpm v9 (pnpm 10): name@version keys, peer suffixes in snapshots, alias, link:/file:/git skipped', () => {
    expect(parseLockfile(fixture('pnpm-v9.pnpm-lock.yaml'))).toEqual({ format: 'pnpm', packages: PROJECT });
  });

  it('pnpm v6: /name@version keys with (peer) suffixes, /name@version aliases', () => {
    expect(parseLockfile(fixture('pnpm-v6.pnpm-lock.yaml'))).toEqual({ format: 'pnpm', packages: PROJECT });
  });

  it('pnpm v5: /@scope/name/version keys, _peer suffixes, top-level importer of a single project', () => {
    const expected = PROJECT.filter((p) => p.name !== 'opt-lib');
    expect(parseLockfile(fixture('pnpm-v5.pnpm-lock.yaml'))).toEqual({ format: 'pnpm', packages: expected });
  });

  it('yarn berry (yarn 4): descriptor lists, alias, patch: reports its base version, workspaces and file: skipped, no integrity', () => {
    expect(parseLockfile(fixture('yarn-berry.yarn.lock'))).toEqual({ format: 'yarn-berry', packages: withoutIntegrity(PROJECT) });
  });

  it('yarn classic without a hint marks nothing direct; sha1 from `resolved` when there is no integrity', () => {
    const parsed = parseLockfile(fixture('yarn-classic.yarn.lock'));
    expect(parsed.format).toBe('yarn-classic');
    expect(parsed.packages).toEqual(
      PROJECT.map((p) => ({ ...p, direct: false, ...(p.name === 'opt-lib' ? { integrity: 'sha1-RdNym1PrkdvaVztYvt/9Nzs1X+w=' } : {}) })),
    );
  });

  it('yarn classic takes direct dependencies from the hint: names, or name@range for one entry', () => {
    const byName = parseLockfile(fixture('yarn-classic.yarn.lock'), {
      directDependencies: ['@fixture/gamma', 'alpha-lib', 'beta-alias', 'delta-dev', 'host-lib', 'opt-lib', 'plugin-lib', 'local-thing'],
    });
    expect(byName.packages.map((p) => [p.name, p.version, p.direct])).toEqual(PROJECT.map((p) => [p.name, p.version, p.direct]));

    // A bare name marks every locked version of it; name@range only the entry written for it.
    const all = parseLockfile(fixture('yarn-classic.yarn.lock'), { directDependencies: ['beta-lib'] });
    expect(all.packages.filter((p) => p.direct).map((p) => `${p.name}@${p.version}`)).toEqual(['beta-lib@1.0.0', 'beta-lib@2.1.0']);
    const one = parseLockfile(fixture('yarn-classic.yarn.lock'), { directDependencies: ['beta-lib@^2.0.0'] });
    expect(one.packages.filter((p) => p.direct).map((p) => `${p.name}@${p.version}`)).toEqual(['beta-lib@2.1.0']);
  });

  it('CycloneDX from `npm sbom` (1.5): purls decoded, root dependsOn is direct; git, file:, link and workspace components skipped', () => {
    expect(parseLockfile(fixture('cyclonedx-npm-sbom.json'))).toEqual({ format: 'cyclonedx', packages: PROJECT });
  });

  it('CycloneDX with nested components, subpaths, qualifiers, non-npm and private components', () => {
    expect(parseLockfile(fixture('cyclonedx-nested.cdx.json'))).toEqual({
      format: 'cyclonedx',
      packages: [
        { name: '@fixture/gamma', version: '3.0.0', direct: true },
        // Build metadata dropped, as the registry normalises versions.
        { name: '@fixture/prerelease', version: '4.0.0-rc.1', direct: true },
        { name: 'alpha-lib', version: '1.2.0', direct: true, integrity: SRI.alpha },
        { name: 'beta-lib', version: '1.0.0', direct: false },
        { name: 'beta-lib', version: '2.1.0', direct: false },
        { name: 'left-bundle', version: '0.0.3', direct: false },
      ],
    });
  });

  it('throws LockfileError, a PermanentError', () => {
    let caught: unknown;
    try {
      parseLockfile('{"lockfileVersion": 1}');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LockfileError);
    expect(caught).toMatchObject({ code: 'LOCKFILE_UNSUPPORTED', retryable: false, name: 'LockfileError' });
  });
});

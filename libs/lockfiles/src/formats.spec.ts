import { parseLockfile } from './index';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

const list = (content: string, hint?: Parameters<typeof parseLockfile>[1]): string[] =>
  parseLockfile(content, hint).packages.map((p) => `${p.name}@${p.version}${p.direct ? ' direct' : ''}`);

describe('npm package-lock', () => {
  const lock = (packages: Record<string, unknown>, version = 3): string => JSON.stringify({ name: 'x', lockfileVersion: version, requires: true, packages });

  it('reports copies under workspace folders, omitted `resolved`, bundled and remote tarballs; direct is the top-level copy only', () => {
    const text = lock({
      '': { name: 'x', dependencies: { a: '^1.0.0' }, peerDependencies: { p: '^1.0.0' } },
      'node_modules/a': { version: '1.1.0', integrity: 'sha512-A' },
      'node_modules/b/node_modules/a': { version: '1.0.0', resolved: 'https://mirror.example.test/a/-/a-1.0.0.tgz' },
      'node_modules/b': { version: '2.0.0', resolved: 'http://registry.example.test/b/-/b-2.0.0.tgz' },
      'node_modules/b/node_modules/inner': { version: '0.1.0', inBundle: true },
      'node_modules/p': { version: '1.0.0', peer: true },
      'packages/app': { name: 'app', version: '0.0.1' },
      'packages/app/node_modules/a': { version: '0.9.0' },
      'node_modules/app': { resolved: 'packages/app', link: true },
      'node_modules/remote': { version: '3.0.0', resolved: 'https://files.example.test/remote-3.0.0.tgz' },
      'node_modules/local': { version: '1.0.0', resolved: 'file:../local-1.0.0.tgz' },
      'node_modules/gh': { version: '1.0.0', resolved: 'git+ssh://git@git.example.test/o/gh.git#0123456789abcdef0123456789abcdef01234567' },
    });
    expect(list(text)).toEqual(['a@0.9.0', 'a@1.0.0', 'a@1.1.0 direct', 'b@2.0.0', 'inner@0.1.0', 'p@1.0.0 direct', 'remote@3.0.0']);
  });

  it('a registry entry without a usable version or name makes the file invalid', () => {
    expect(codeOf(() => parseLockfile(lock({ 'node_modules/a': { resolved: 'http://registry.example.test/a/-/a-1.0.0.tgz' } })))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(lock({ 'node_modules/a': { version: 'latest' } })))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(lock({ 'node_modules/a': { version: 1 } })))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(lock({ 'node_modules/Bad Name': { version: '1.0.0' } })))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(lock({ 'node_modules/a': 'x' })))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(JSON.stringify({ lockfileVersion: 3 })))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(JSON.stringify({ lockfileVersion: 2, dependencies: {} })))).toBe('LOCKFILE_INVALID');
  });

  it('normalises versions like the registry (`v` prefix and build metadata dropped) and deduplicates', () => {
    const text = lock({
      'node_modules/a': { version: 'v1.0.0+build.1' },
      'node_modules/b/node_modules/a': { version: '1.0.0', integrity: 'sha512-A' },
    });
    expect(parseLockfile(text).packages).toEqual([{ name: 'a', version: '1.0.0', direct: false, integrity: 'sha512-A' }]);
  });
});

describe('pnpm-lock.yaml', () => {
  it('v9: scoped peers in suffixes, custom-registry tarballs, aliases; the environment document is not the project', () => {
    const text = [
      '---',
      "lockfileVersion: '9.0'",
      '',
      'importers:',
      '  .:',
      '    configDependencies: {}',
      'packageManagerDependencies:',
      '  pnpm:',
      '    specifier: 10.0.0',
      '    version: 10.0.0',
      '',
      'packages:',
      '  pnpm@10.0.0:',
      '    resolution: {integrity: sha512-PNPM}',
      '---',
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      ui:',
      '        specifier: ^1.0.0',
      '        version: 1.0.0(@types/react@18.0.0)(react@18.2.0)',
      "      '@scope/alias':",
      '        specifier: npm:@scope/real@^2.0.0',
      "        version: '@scope/real@2.0.0'",
      'packages:',
      '  ui@1.0.0:',
      '    resolution: {integrity: sha512-UI}',
      "  '@types/react@18.0.0':",
      '    resolution: {integrity: sha512-T, tarball: http://mirror.example.test/@types/react/-/react-18.0.0.tgz}',
      '  react@18.2.0:',
      '    resolution: {integrity: sha512-R}',
      "  '@scope/real@2.0.0':",
      '    resolution: {integrity: sha512-S}',
      '  remote@https://files.example.test/remote-1.0.0.tgz:',
      '    resolution: {integrity: sha512-X, tarball: https://files.example.test/remote-1.0.0.tgz}',
      '    version: 1.0.0',
      '  hosted@https://codeload.example.test/o/r/tar.gz/0123456789abcdef:',
      '    resolution: {gitHosted: true, integrity: sha512-G, tarball: https://codeload.example.test/o/r/tar.gz/0123456789abcdef}',
      '    version: 1.0.0',
      'snapshots:',
      '  ui@1.0.0(@types/react@18.0.0)(react@18.2.0):',
      '    dependencies:',
      '      react: 18.2.0',
      '',
    ].join('\n');
    expect(list(text)).toEqual(['@scope/real@2.0.0 direct', '@types/react@18.0.0', 'react@18.2.0', 'ui@1.0.0 direct']);
  });

  it('an unquoted numeric lockfileVersion is read as text (failsafe YAML)', () => {
    expect(list('lockfileVersion: 9\npackages:\n  a@1.10.0:\n    resolution: {integrity: sha512-A}\n')).toEqual(['a@1.10.0']);
  });

  it('a plain registry entry whose key names no version is invalid; other sources are skipped', () => {
    expect(codeOf(() => parseLockfile("lockfileVersion: '9.0'\npackages:\n  a@latest:\n    resolution: {integrity: sha512-A}\n"))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: yes\n"))).toBe('LOCKFILE_INVALID');
    expect(list("lockfileVersion: '6.0'\npackages:\n  file:x:\n    resolution: {directory: x, type: directory}\n    name: x\n    version: 1.0.0\n")).toEqual([]);
  });

  it('v5 with a hashed peer suffix and a scoped package', () => {
    const text = 'lockfileVersion: 5.3\nimporters:\n  .:\n    specifiers:\n      ui: ^1.0.0\n    dependencies:\n      ui: 1.0.0_3h5gmnuc4kz4nrdpy7x4gmydv4\npackages:\n  /ui/1.0.0_3h5gmnuc4kz4nrdpy7x4gmydv4:\n    resolution: {integrity: sha512-UI}\n  /@s/p/2.0.0:\n    resolution: {integrity: sha512-P}\n';
    expect(list(text)).toEqual(['@s/p@2.0.0', 'ui@1.0.0 direct']);
  });
});

describe('yarn berry', () => {
  const berry = (...entries: string[]): string => ['__metadata:', '  version: 6', '  cacheKey: 8', '', ...entries].join('\n');
  const root = (deps: string): string => `"root@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "root@workspace:."\n  dependencies:\n${deps}\n  languageName: unknown\n  linkType: soft\n`;

  it('yarn 2/3 bare ranges, archive URLs, a patched direct dependency; git, link, portal, exec skipped', () => {
    const text = berry(
      root('    a: ^1.0.0\n    p: "patch:p@npm%3A2.0.0#~/.yarn/patches/p.patch"\n    g: "git+ssh://git@git.example.test/o/g.git"\n    l: "link:./l"'),
      '"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0::__archiveUrl=http%3A%2F%2Fmirror.example.test%2Fa-1.0.0.tgz"\n  checksum: abc\n  languageName: node\n  linkType: hard\n',
      '"p@npm:2.0.0":\n  version: 2.0.0\n  resolution: "p@npm:2.0.0"\n  languageName: node\n  linkType: hard\n',
      '"p@patch:p@npm%3A2.0.0#~/.yarn/patches/p.patch::locator=root%40workspace%3A.":\n  version: 2.0.0\n  resolution: "p@patch:p@npm%3A2.0.0#~/.yarn/patches/p.patch::version=2.0.0&hash=abc&locator=root%40workspace%3A."\n  languageName: node\n  linkType: hard\n',
      '"g@git+ssh://git@git.example.test/o/g.git":\n  version: 0.3.0\n  resolution: "g@git+ssh://git@git.example.test/o/g.git#commit=0123456789abcdef0123456789abcdef01234567"\n  languageName: node\n  linkType: hard\n',
      '"l@link:./l::locator=root%40workspace%3A.":\n  version: 0.0.0-use.local\n  resolution: "l@link:./l::locator=root%40workspace%3A."\n  languageName: node\n  linkType: soft\n',
      '"q@portal:./q::locator=root%40workspace%3A.":\n  version: 0.0.0-use.local\n  resolution: "q@portal:./q::locator=root%40workspace%3A."\n  languageName: node\n  linkType: soft\n',
      '"e@exec:./gen.js::locator=root%40workspace%3A.":\n  version: 1.0.0\n  resolution: "e@exec:./gen.js#./gen.js::hash=1&locator=root%40workspace%3A."\n  languageName: node\n  linkType: hard\n',
      '"t@https://files.example.test/t-1.0.0.tgz":\n  version: 1.0.0\n  resolution: "t@https://files.example.test/t-1.0.0.tgz"\n  languageName: node\n  linkType: hard\n',
    );
    expect(list(text)).toEqual(['a@1.0.0 direct', 'p@2.0.0 direct']);
  });

  it('a patch of a non-registry source is skipped; an entry without resolution is invalid', () => {
    const patchOfGit = '"g@patch:g@git%2Bssh%3A%2F%2Fgit%40git.example.test%2Fo%2Fg.git%23commit%3Dabc#./g.patch::locator=root%40workspace%3A.":\n  version: 1.0.0\n  resolution: "g@patch:g@git%2Bssh%3A%2F%2Fgit%40git.example.test%2Fo%2Fg.git%23commit%3Dabc#./g.patch::version=1.0.0&hash=1"\n';
    expect(list(berry(patchOfGit))).toEqual([]);
    expect(codeOf(() => parseLockfile(berry('"a@npm:^1.0.0":\n  version: 1.0.0\n')))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(berry('"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a@npm:next"\n')))).toBe('LOCKFILE_INVALID');
  });

  it('a range remapped by resolutions is direct only when its name has one version', () => {
    const remapped = (extra: string): string =>
      berry(root('    a: "npm:^1.0.0"'), '"a@npm:1.2.0":\n  version: 1.2.0\n  resolution: "a@npm:1.2.0"\n', extra);
    expect(list(remapped(''))).toEqual(['a@1.2.0 direct']);
    expect(list(remapped('"a@npm:^2.0.0":\n  version: 2.0.0\n  resolution: "a@npm:2.0.0"\n'))).toEqual(['a@1.2.0', 'a@2.0.0']);
  });
});

describe('yarn classic', () => {
  const header = '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n';

  it('quoted keys with escapes, github shorthands, tarball URLs and CRLF line ends', () => {
    const text = `${header}"a@>= 1.0.0 < 2", a@^1.1.0:\r\n  version "1.1.0"\r\n  resolved "http://registry.example.test/a/-/a-1.1.0.tgz"\r\n\r\n"b@o/b#v1":\r\n  version "1.0.0"\r\n  resolved "https://codeload.example.test/o/b/tar.gz/abc"\r\n\r\n"c@https://files.example.test/c-1.0.0.tgz":\r\n  version "1.0.0"\r\n\r\n"d@\\u005e4.0.0":\r\n  version "4.0.0"\r\n`;
    expect(list(text, { directDependencies: ['a@>= 1.0.0 < 2'] })).toEqual(['a@1.1.0 direct', 'd@4.0.0']);
  });

  it('reads a yarn.lock that lost its header when the file name says so', () => {
    expect(list('a@^1.0.0:\n  version "1.0.0"\n', { filename: 'frontend/yarn.lock' })).toEqual(['a@1.0.0']);
    expect(parseLockfile('a@^1.0.0:\n  version "1.0.0"\n', { filename: 'yarn.lock' }).format).toBe('yarn-classic');
  });

  it('malformed lines are invalid', () => {
    expect(codeOf(() => parseLockfile(`${header}a@^1:\n\tversion "1.0.0"\n`))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(`${header}  a@^1:\n    version "1.0.0"\n`))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(`${header}a@^1 b@^1:\n  version "1.0.0"\n`))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(`${header}a@^1:\n  version "1.0.0" extra\n`))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(`${header}version "1.0.0"\n`))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(`${header}a@^1:\n  dependencies:\n    b "^1"\n  version:\n    x "y"\n`))).toBe('LOCKFILE_INVALID');
  });
});

describe('CycloneDX', () => {
  const bom = (components: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components, ...extra });

  it('literal @ scopes, pkg:/ slashes, versions from the component when the purl has none', () => {
    expect(
      list(
        bom([
          { type: 'library', purl: 'pkg:npm/@s/a@1.0.0' },
          { type: 'library', purl: 'pkg://npm/b@2.0.0' },
          { type: 'library', name: 'c', version: '3.0.0', purl: 'pkg:npm/c' },
          { type: 'library', name: 'file-only', version: '1.0.0' },
        ]),
      ),
    ).toEqual(['@s/a@1.0.0', 'b@2.0.0', 'c@3.0.0']);
  });

  it('an npm component without a version, or with a bad purl, is invalid', () => {
    expect(codeOf(() => parseLockfile(bom([{ type: 'library', purl: 'pkg:npm/a' }])))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(bom([{ type: 'library', purl: 'npm/a@1.0.0' }])))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(bom([{ type: 'library', purl: 'pkg:npm/a@%E0%A4%A' }])))).toBe('LOCKFILE_INVALID');
    expect(codeOf(() => parseLockfile(bom([], { components: {} })))).toBe('LOCKFILE_INVALID');
  });

  it('the npm-sbom rule (no distribution and no hash = local) applies only to BOMs npm made', () => {
    const components = [
      { type: 'library', purl: 'pkg:npm/a@1.0.0', hashes: [{ alg: 'SHA-512', content: 'ab' }] },
      { type: 'library', purl: 'pkg:npm/ws@0.1.0' },
      { type: 'library', purl: 'pkg:npm/inner@0.2.0', properties: [{ name: 'cdx:npm:package:bundled', value: 'true' }] },
    ];
    expect(list(bom(components))).toEqual(['a@1.0.0', 'inner@0.2.0', 'ws@0.1.0']);
    const byNpm = { metadata: { tools: { components: [{ type: 'application', author: 'npm', name: 'cli', version: '11.0.0' }] } } };
    expect(parseLockfile(bom(components, byNpm)).packages).toEqual([
      { name: 'a', version: '1.0.0', direct: false, integrity: 'sha512-qw==' },
      { name: 'inner', version: '0.2.0', direct: false },
    ]);
  });
});

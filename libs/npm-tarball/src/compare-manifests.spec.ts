import { compareManifests, normalizeInstallFields } from './index';

const base = { name: 'demo', version: '1.0.0', dependencies: { a: '^1.0.0' }, scripts: { test: 'jest' } };

describe('compareManifests', () => {
  it('finds nothing when the manifests agree, whatever the key order', () => {
    expect(compareManifests(base, { scripts: { test: 'jest' }, dependencies: { a: '^1.0.0' }, version: '1.0.0', name: 'demo' })).toEqual([]);
  });

  it('ignores fields that do not change what an install does', () => {
    expect(compareManifests({ ...base, description: 'published', readme: 'long text', _npmVersion: '11.0.0' }, { ...base, description: 'packed' })).toEqual([]);
  });

  it('lists every disagreement, one line each, naming the field and both values', () => {
    const problems = compareManifests(base, {
      name: 'demo',
      version: '1.0.1',
      dependencies: { a: '^1.0.0', 'evil-dep': '1.0.0' },
      scripts: { test: 'jest', postinstall: 'node steal.js' },
    });
    expect(problems).toEqual([
      'version: the published manifest has "1.0.0", the tarball\'s package.json has "1.0.1"',
      'scripts.postinstall: the published manifest has nothing, the tarball\'s package.json has "node steal.js"',
      'dependencies.evil-dep: the published manifest has nothing, the tarball\'s package.json has "1.0.0"',
    ]);
  });

  it.each([
    ['name', { name: 'other' }],
    ['optionalDependencies', { optionalDependencies: { fsevents: '*' } }],
    ['peerDependencies', { peerDependencies: { react: '>=18' } }],
    ['peerDependenciesMeta', { peerDependenciesMeta: { react: { optional: true } } }],
    ['bundleDependencies', { bundleDependencies: ['a'] }],
    ['bin', { bin: { demo: 'cli.js' } }],
    ['engines', { engines: { node: '>=99' } }],
    ['os', { os: ['linux'] }],
    ['cpu', { cpu: ['x64'] }],
    ['libc', { libc: ['glibc'] }],
  ])('notices a difference in %s', (field, change) => {
    const problems = compareManifests(base, { ...base, ...change });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(new RegExp(`^${field}[.:]`));
  });

  it('treats an empty list or map like an absent one', () => {
    expect(compareManifests({ ...base, peerDependencies: {}, os: [] }, base)).toEqual([]);
  });

  it('ignores the order of os, cpu and bundled names', () => {
    expect(compareManifests({ ...base, os: ['linux', 'darwin'] }, { ...base, os: ['darwin', 'linux'] })).toEqual([]);
  });

  describe('mirrors the normalisation npm publish applies to the manifest it sends', () => {
    it('turns a string bin into { <unscoped name>: path } with the path cleaned', () => {
      const packed = { name: '@acme/tool', version: '1.0.0', bin: './bin/cli.js' };
      const published = { name: '@acme/tool', version: '1.0.0', bin: { tool: 'bin/cli.js' } };
      expect(compareManifests(published, packed)).toEqual([]);
      expect(compareManifests({ ...published, bin: { tool: 'bin/other.js' } }, packed)).toEqual([
        'bin.tool: the published manifest has "bin/other.js", the tarball\'s package.json has "bin/cli.js"',
      ]);
    });

    it('cleans bin names and paths, and drops bins that point at the package root or above', () => {
      expect(normalizeInstallFields({ name: 'x', bin: { 'a/b\\c': '..\\..\\x.js', up: '../', bad: 7 } }).bin).toEqual({ c: 'x.js' });
      expect(normalizeInstallFields({ name: 'x', bin: ['./bin/one.js', 'bin/two'] }).bin).toEqual({ 'one.js': 'bin/one.js', two: 'bin/two' });
    });

    it('expands directories.bin from the tarball files', () => {
      const packed = { name: 'demo', version: '1.0.0', directories: { bin: './bin' } };
      const published = { name: 'demo', version: '1.0.0', directories: { bin: './bin' }, bin: { a: 'bin/a', b: 'bin/sub/b', sub: 'bin/sub' } };
      expect(compareManifests(published, packed, { files: ['bin/a', 'bin/sub/b', 'bin/.hidden', 'lib/x.js', 'package.json'] })).toEqual([]);
    });

    it('strips node_modules/.bin/ from scripts', () => {
      expect(compareManifests({ ...base, scripts: { test: 'jest', build: 'tsc' } }, { ...base, scripts: { test: 'jest', build: 'node_modules/.bin/tsc' } })).toEqual([]);
    });

    it('adds the implicit node-gyp install script when the tarball has a *.gyp file', () => {
      const published = { ...base, scripts: { test: 'jest', install: 'node-gyp rebuild' } };
      expect(compareManifests(published, base, { files: ['binding.gyp', 'package.json'] })).toEqual([]);
      expect(compareManifests(published, base, { files: ['package.json'] })).toHaveLength(1);
      expect(compareManifests(published, { ...base, gypfile: false }, { files: ['binding.gyp'] })).toHaveLength(1);
    });

    it('cleans the version and trims the name', () => {
      expect(compareManifests(base, { ...base, name: ' demo ', version: 'v1.0.0' })).toEqual([]);
    });

    it('expands bundle dependencies and lists bundled names as dependencies', () => {
      const published = { ...base, dependencies: { a: '^1.0.0', b: '*' }, bundleDependencies: ['a', 'b'] };
      expect(compareManifests(published, { ...base, bundledDependencies: ['a', 'b'] })).toEqual([]);
      expect(compareManifests({ ...base, bundleDependencies: ['a'] }, { ...base, bundleDependencies: true })).toEqual([]);
    });

    it('converts legacy array dependencies to an object', () => {
      expect(compareManifests({ ...base, dependencies: { a: '^1.0.0', b: '2.x' } }, { ...base, dependencies: ['a@^1.0.0', 'b@2.x'] })).toEqual([]);
    });

    it('accepts git shortcuts npm rewrote, but not another committish', () => {
      expect(compareManifests({ ...base, dependencies: { a: 'github:acme/a#v1' } }, { ...base, dependencies: { a: 'acme/a#v1' } })).toEqual([]);
      expect(compareManifests({ ...base, dependencies: { a: 'github:acme/a#v1' } }, { ...base, dependencies: { a: 'acme/a#v2' } })).toHaveLength(1);
      expect(compareManifests({ ...base, dependencies: { a: 'github:acme/a' } }, { ...base, dependencies: { a: 'gitlab:acme/a' } })).toHaveLength(1);
    });
  });
});

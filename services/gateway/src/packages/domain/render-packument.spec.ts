import type { PackageRecord, VersionRecord } from './package-record';
import { hasInstallScript, packageRev, renderPackument } from './render-packument';

const REG = 'https://npm.example.test/dev';

/** A field deep inside a rendered document. */
function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], value);
}

const keysAt = (value: unknown, ...path: string[]) => Object.keys(at(value, ...path) as object);

function version(v: string, manifest: Record<string, unknown> = {}, extra: Partial<VersionRecord> = {}): VersionRecord {
  return {
    version: v,
    manifest: { name: '@acme/widget', version: v, dist: { shasum: 'ab'.repeat(20), integrity: 'sha512-client', tarball: 'http://elsewhere/x.tgz' }, ...manifest },
    integrity: `sha512-${v}`,
    publishedAt: new Date(`2026-01-0${v.charCodeAt(0) - 47}T00:00:00.000Z`),
    publisher: 'alice',
    ...extra,
  };
}

function record(versions: VersionRecord[], admitted: Record<string, string[]>, distTags: Record<string, string> = {}): PackageRecord {
  return {
    name: '@acme/widget',
    revision: 7,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    modifiedAt: new Date('2026-02-01T00:00:00.000Z'),
    maintainers: [{ name: 'alice', email: 'alice@acme.test' }, { name: 'bob' }],
    distTags,
    versions,
    admissions: new Map(Object.entries(admitted).map(([view, list]) => [view, new Set(list)])),
  };
}

describe('renderPackument (full)', () => {
  const pkg = record(
    [
      version('1.0.0', { description: 'old', readme: '# one', license: 'ISC' }),
      version('2.0.0', { description: 'new', readme: '# two', readmeFilename: 'README.md', license: 'MIT', keywords: ['ui'], scripts: { postinstall: 'node x' } }),
      version('3.0.0-beta.1', { description: 'beta' }),
    ],
    { dev: ['1.0.0', '2.0.0', '3.0.0-beta.1'], prod: ['1.0.0'] },
    { latest: '2.0.0', beta: '3.0.0-beta.1' },
  );

  it('serves every admitted version with the view’s own tarball URL and the recorded integrity', () => {
    const doc = renderPackument(pkg, 'dev', REG, 'full');
    expect(keysAt(doc, 'versions')).toEqual(['1.0.0', '2.0.0', '3.0.0-beta.1']);
    expect(at(doc, 'versions', '2.0.0', 'dist')).toEqual({ shasum: 'ab'.repeat(20), integrity: 'sha512-2.0.0', tarball: `${REG}/@acme/widget/-/widget-2.0.0.tgz` });
    expect(at(doc, 'versions', '2.0.0', 'maintainers')).toEqual([{ name: 'alice', email: 'alice@acme.test' }, { name: 'bob' }]);
    expect(at(doc, 'versions', '2.0.0', '_id')).toBe('@acme/widget@2.0.0');
    expect(at(doc, 'versions', '2.0.0', '_npmUser')).toEqual({ name: 'alice' });
    expect(at(doc, 'versions', '2.0.0', 'readme')).toBeUndefined();
  });

  it('takes top-level fields and the readme from the latest version the view serves', () => {
    const dev = renderPackument(pkg, 'dev', REG, 'full');
    expect(dev).toMatchObject({ _id: '@acme/widget', name: '@acme/widget', description: 'new', readme: '# two', readmeFilename: 'README.md', license: 'MIT', keywords: ['ui'], users: {} });
    expect(at(dev, '_rev')).toBe(packageRev('@acme/widget', 7));
    expect(at(dev, 'dist-tags')).toEqual({ latest: '2.0.0', beta: '3.0.0-beta.1' });
    expect(at(dev, 'time')).toEqual({
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-02-01T00:00:00.000Z',
      '1.0.0': '2026-01-02T00:00:00.000Z',
      '2.0.0': '2026-01-03T00:00:00.000Z',
      '3.0.0-beta.1': '2026-01-04T00:00:00.000Z',
    });
  });

  it('shows a view only its admitted versions, with latest falling back and other tags dropped', () => {
    const prod = renderPackument(pkg, 'prod', 'http://h/prod', 'full');
    expect(keysAt(prod, 'versions')).toEqual(['1.0.0']);
    expect(at(prod, 'dist-tags')).toEqual({ latest: '1.0.0' });
    expect(at(prod, 'description')).toBe('old');
    expect(keysAt(prod, 'time')).toEqual(['created', 'modified', '1.0.0']);
    expect(at(prod, 'versions', '1.0.0', 'dist', 'tarball')).toBe('http://h/prod/@acme/widget/-/widget-1.0.0.tgz');
  });

  it('is null for a view that serves no version, and ignores admissions of unknown versions', () => {
    expect(renderPackument(pkg, 'staging', REG, 'full')).toBeNull();
    expect(renderPackument(record([version('1.0.0')], { dev: ['9.9.9'] }), 'dev', REG, 'full')).toBeNull();
  });

  it('adds the gateway’s deprecation and drops one the manifest carried', () => {
    const deprecated = record([version('1.0.0', { deprecated: 'from the tarball' }), version('2.0.0', {}, { deprecated: 'use 3' })], { dev: ['1.0.0', '2.0.0'] }, { latest: '2.0.0' });
    const doc = renderPackument(deprecated, 'dev', REG, 'full');
    expect(at(doc, 'versions', '1.0.0', 'deprecated')).toBeUndefined();
    expect(at(doc, 'versions', '2.0.0', 'deprecated')).toBe('use 3');
  });
});

describe('renderPackument (abbreviated)', () => {
  it('keeps only the install fields, plus hasInstallScript, deprecation and time', () => {
    const pkg = record(
      [
        version('1.0.0', { dependencies: { a: '^1' }, scripts: { install: 'node-gyp rebuild', test: 'jest' }, devDependencies: { jest: '*' }, libc: ['glibc'], readme: 'big', author: 'x' }, { deprecated: 'old' }),
        version('1.1.0', { engines: { node: '>=20' }, bin: { w: 'w.js' } }),
      ],
      { dev: ['1.0.0', '1.1.0'] },
    );
    const doc = renderPackument(pkg, 'dev', REG, 'abbreviated');
    expect(keysAt(doc)).toEqual(['name', 'modified', 'dist-tags', 'versions', 'time']);
    expect(at(doc, 'modified')).toBe('2026-02-01T00:00:00.000Z');
    expect(at(doc, 'dist-tags')).toEqual({ latest: '1.1.0' });
    expect(at(doc, 'versions', '1.0.0')).toEqual({
      name: '@acme/widget',
      version: '1.0.0',
      dependencies: { a: '^1' },
      devDependencies: { jest: '*' },
      libc: ['glibc'],
      deprecated: 'old',
      hasInstallScript: true,
      dist: { shasum: 'ab'.repeat(20), integrity: 'sha512-1.0.0', tarball: `${REG}/@acme/widget/-/widget-1.0.0.tgz` },
    });
    expect(at(doc, 'versions', '1.1.0')).toEqual({
      name: '@acme/widget',
      version: '1.1.0',
      engines: { node: '>=20' },
      bin: { w: 'w.js' },
      dist: { shasum: 'ab'.repeat(20), integrity: 'sha512-1.1.0', tarball: `${REG}/@acme/widget/-/widget-1.1.0.tgz` },
    });
  });

  it('builds unscoped tarball URLs from the plain name', () => {
    const pkg = { ...record([version('1.0.0')], { dev: ['1.0.0'] }), name: 'left-pad' };
    const doc = renderPackument(pkg, 'dev', 'http://127.0.0.1:4873', 'abbreviated');
    expect(at(doc, 'versions', '1.0.0', 'dist', 'tarball')).toBe('http://127.0.0.1:4873/left-pad/-/left-pad-1.0.0.tgz');
    expect(at(doc, 'versions', '1.0.0', 'name')).toBe('left-pad');
  });
});

describe('hasInstallScript', () => {
  it('is true for install lifecycle scripts and native builds only', () => {
    expect(hasInstallScript({ scripts: { preinstall: 'x' } })).toBe(true);
    expect(hasInstallScript({ gypfile: true })).toBe(true);
    expect(hasInstallScript({ scripts: { prepare: 'x', test: 'y' } })).toBe(false);
    expect(hasInstallScript({})).toBe(false);
  });
});

describe('renderPackument (registry signatures)', () => {
  const signed = version('1.0.0', { dist: { integrity: 'sha512-client', signatures: [{ keyid: 'SHA256:forged', sig: 'Zm9yZ2Vk' }] } }, {
    signatures: [{ keyid: 'SHA256:registry', sig: 'c2lnbmVk' }],
  });
  const unsigned = version('1.1.0', { dist: { integrity: 'sha512-client', signatures: [{ keyid: 'SHA256:forged', sig: 'Zm9yZ2Vk' }] } });
  const pkg = record([signed, unsigned], { dev: ['1.0.0', '1.1.0'] });

  it.each(['full', 'abbreviated'] as const)('serves only the registry’s own signatures in dist (%s)', (representation) => {
    const doc = renderPackument(pkg, 'dev', REG, representation);
    expect(at(doc, 'versions', '1.0.0', 'dist', 'signatures')).toEqual([{ keyid: 'SHA256:registry', sig: 'c2lnbmVk' }]);
    expect(at(doc, 'versions', '1.1.0', 'dist', 'signatures')).toBeUndefined();
    expect(at(doc, 'time', '1.0.0')).toBe(signed.publishedAt.toISOString());
  });
});

describe('renderPackument (recall quarantines)', () => {
  const quarantined = (entries: Record<string, { mode: 'warn' | 'block'; reason: string }>) => ({ quarantines: new Map(Object.entries(entries)) });
  const pkg = record(
    [
      version('1.0.0'),
      version('2.0.0', {}, { deprecated: 'maintainer: use 3', verdict: 'warn', verdictReason: 'Palisade scan: warn' }),
      version('3.0.0', {}, quarantined({ prod: { mode: 'block', reason: 'malware (recall rc-1)' }, dev: { mode: 'warn', reason: 'malware (recall rc-1)' } })),
    ],
    { dev: ['1.0.0', '2.0.0', '3.0.0'], prod: ['1.0.0', '2.0.0', '3.0.0'], staging: ['1.0.0', '2.0.0', '3.0.0'] },
    { latest: '3.0.0' },
  );

  it('takes a version blocked in a view out of both shapes there, and latest falls back', () => {
    for (const shape of ['full', 'abbreviated'] as const) {
      const prod = renderPackument(pkg, 'prod', REG, shape);
      expect(keysAt(prod, 'versions')).toEqual(['1.0.0', '2.0.0']);
      expect(at(prod, 'dist-tags')).toEqual({ latest: '2.0.0' });
      expect(keysAt(prod, 'time')).not.toContain('3.0.0');
    }
  });

  it('serves a warn quarantine as the deprecation in that view only, over any other deprecation', () => {
    for (const shape of ['full', 'abbreviated'] as const) {
      const dev = renderPackument(pkg, 'dev', REG, shape);
      expect(keysAt(dev, 'versions')).toEqual(['1.0.0', '2.0.0', '3.0.0']);
      expect(at(dev, 'versions', '3.0.0', 'deprecated')).toBe('malware (recall rc-1)');
      expect(at(dev, 'versions', '2.0.0', 'deprecated')).toBe('maintainer: use 3');
      const staging = renderPackument(pkg, 'staging', REG, shape);
      expect(at(staging, 'versions', '3.0.0', 'deprecated')).toBeUndefined();
      expect(at(staging, 'dist-tags')).toEqual({ latest: '3.0.0' });
    }
    const overMaintainer = record([version('1.0.0', {}, { deprecated: 'old', verdict: 'warn', verdictReason: 'scan', ...quarantined({ dev: { mode: 'warn', reason: 'recalled' } }) })], { dev: ['1.0.0'] });
    expect(at(renderPackument(overMaintainer, 'dev', REG, 'abbreviated'), 'versions', '1.0.0', 'deprecated')).toBe('recalled');
  });

  it('serves nothing when every version is blocked in the view', () => {
    const only = record([version('1.0.0', {}, quarantined({ prod: { mode: 'block', reason: 'r' } }))], { prod: ['1.0.0'] });
    expect(renderPackument(only, 'prod', REG, 'full')).toBeNull();
  });
});

describe('renderPackument (upstream versions listed before judgment)', () => {
  const upstream = (v: string, extra: Partial<VersionRecord> = {}, manifest: Record<string, unknown> = {}) => version(v, manifest, { fromUpstream: true, ...extra });
  const pkg = record(
    [
      upstream('1.0.0', {}, { deprecated: 'use 2.x' }),
      upstream('1.1.0', { dismissedIn: new Map([['dev', 'install scripts (postinstall) are not allowed for @acme/widget in dev']]) }),
      upstream('1.2.0', { verdict: 'block', verdictReason: 'malware' }),
      upstream('2.0.0'),
      version('3.0.0'),
    ],
    { dev: ['2.0.0'] },
    { latest: '2.0.0', legacy: '1.0.0' },
  );

  it('lists every upstream version not refused or blocked in a view that judges on demand, and only admitted ones elsewhere', () => {
    expect(keysAt(renderPackument(pkg, 'dev', REG, 'full', true), 'versions')).toEqual(['1.0.0', '2.0.0']);
    expect(at(renderPackument(pkg, 'dev', REG, 'full', true), 'dist-tags')).toEqual({ latest: '2.0.0', legacy: '1.0.0' });
    expect(keysAt(renderPackument(pkg, 'dev', REG, 'abbreviated', false), 'versions')).toEqual(['2.0.0']);
    // A published version is never listed unjudged.
    expect(renderPackument(pkg, 'prod', REG, 'full', false)).toBeNull();
    expect(keysAt(renderPackument(pkg, 'prod', REG, 'full', true), 'versions')).toEqual(['1.0.0', '1.1.0', '2.0.0']);
  });

  it('shows nothing of a package whose listing has not arrived in a view that judges on demand, rather than half of it', () => {
    const arriving = { ...pkg, awaitingListing: true };
    expect(renderPackument(arriving, 'dev', REG, 'full', true)).toBeNull();
    expect(keysAt(renderPackument(arriving, 'dev', REG, 'full', false), 'versions')).toEqual(['2.0.0']);
  });

  it('keeps the upstream deprecation message in both shapes', () => {
    expect(at(renderPackument(pkg, 'dev', REG, 'full', true), 'versions', '1.0.0', 'deprecated')).toBe('use 2.x');
    expect(at(renderPackument(pkg, 'dev', REG, 'abbreviated', true), 'versions', '1.0.0', 'deprecated')).toBe('use 2.x');
    expect(at(renderPackument(pkg, 'dev', REG, 'abbreviated', true), 'versions', '2.0.0', 'deprecated')).toBeUndefined();
  });
});

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { manifestJson, packageTgz, rawTar, rawTgz } from './__fixtures__/raw-tar';
import { TarballErrorCode, inspectTarball, isTarballError, type TarballLimits } from './index';

const limits: TarballLimits = { maxEntries: 100, maxUnpackedBytes: 10 * 1024 * 1024, maxPackageJsonBytes: 64 * 1024 };

function inspect(bytes: Buffer, overrides: Partial<TarballLimits> = {}) {
  return inspectTarball(Readable.from([bytes]), { ...limits, ...overrides });
}

async function refusal(bytes: Buffer, overrides: Partial<TarballLimits> = {}): Promise<{ code: string; message: string }> {
  try {
    await inspect(bytes, overrides);
  } catch (e: unknown) {
    if (isTarballError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('the tarball was accepted');
}

describe('inspectTarball', () => {
  it('describes a tarball packed like npm pack does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'npm-tarball-'));
    try {
      await mkdir(join(dir, 'lib'));
      await writeFile(join(dir, 'package.json'), manifestJson({ main: 'lib/index.js' }));
      await writeFile(join(dir, 'lib/index.js'), 'module.exports = 42;\n');
      await writeFile(join(dir, 'README.md'), '# demo\n');
      const chunks: Buffer[] = [];
      for await (const chunk of tar.c({ gzip: true, portable: true, prefix: 'package/', cwd: dir }, ['package.json', 'lib/index.js', 'README.md'])) chunks.push(Buffer.from(chunk));

      const inspection = await inspect(Buffer.concat(chunks));

      expect(inspection.packageJson).toEqual({ name: 'demo', version: '1.0.0', main: 'lib/index.js' });
      expect(inspection.root).toBe('package');
      expect(inspection.files).toEqual(['README.md', 'lib/index.js', 'package.json']);
      expect(inspection.fileCount).toBe(3);
      expect(inspection.unpackedSize).toBe(manifestJson({ main: 'lib/index.js' }).length + 'module.exports = 42;\n'.length + '# demo\n'.length);
      expect(inspection.hasInstallScript).toBe(false);
      expect(inspection.hasShrinkwrap).toBe(false);
      expect(inspection.readme).toEqual({ filename: 'README.md', text: '# demo\n' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accepts any single top-level folder, as npm does', async () => {
    const inspection = await inspect(packageTgz({ 'package.json': manifestJson() }, 'node'));
    expect(inspection.root).toBe('node');
  });

  it.each([
    ['a postinstall script', { 'package.json': manifestJson({ scripts: { postinstall: 'node x.js' } }) }, true],
    ['a preinstall script', { 'package.json': manifestJson({ scripts: { preinstall: 'node x.js' } }) }, true],
    ['a binding.gyp', { 'package.json': manifestJson(), 'binding.gyp': '{}' }, true],
    ['a binding.gyp with gypfile: false', { 'package.json': manifestJson({ gypfile: false }), 'binding.gyp': '{}' }, false],
    ['only a test script', { 'package.json': manifestJson({ scripts: { test: 'jest' } }) }, false],
  ])('reports install scripts: %s', async (_case, files, expected) => {
    expect((await inspect(packageTgz(files))).hasInstallScript).toBe(expected);
  });

  it('notices npm-shrinkwrap.json', async () => {
    expect((await inspect(packageTgz({ 'package.json': manifestJson(), 'npm-shrinkwrap.json': '{}' }))).hasShrinkwrap).toBe(true);
  });

  it('picks the markdown readme and keeps only its first 64 KiB', async () => {
    const long = `# big\n${'x'.repeat(70 * 1024)}`;
    const inspection = await inspect(packageTgz({ 'package.json': manifestJson(), 'README.txt': 'plain', 'readme.markdown': long, 'docs/README.md': 'nested' }));
    expect(inspection.readme?.filename).toBe('readme.markdown');
    expect(inspection.readme?.text).toBe(long.slice(0, 64 * 1024));
  });

  it.each([
    ['plain tar', rawTar([{ path: 'package/package.json', body: manifestJson() }])],
    ['no bytes', Buffer.alloc(0)],
    ['two bytes of gzip magic only', Buffer.from([0x1f, 0x8b])],
    ['a zip file', Buffer.from('PK\u0003\u0004rest-of-zip')],
  ])('refuses what is not gzip: %s', async (_case, bytes) => {
    expect((await refusal(bytes)).code).toBe(TarballErrorCode.NotGzip);
  });

  it('refuses a truncated gzip stream as corrupt', async () => {
    const whole = packageTgz({ 'package.json': manifestJson(), 'index.js': 'x'.repeat(5000) });
    expect((await refusal(whole.subarray(0, whole.length - 30))).code).toBe(TarballErrorCode.Corrupt);
  });

  it('refuses gzip that holds no tar archive', async () => {
    expect((await refusal(gzipSync(Buffer.from('just some text, not a tar archive at all')))).code).toBe(TarballErrorCode.Corrupt);
  });

  it('refuses gzip inside gzip instead of inflating the inner layer unmetered', async () => {
    expect((await refusal(gzipSync(packageTgz({ 'package.json': manifestJson() })))).code).toBe(TarballErrorCode.Corrupt);
  });

  it('refuses an entry whose header checksum is wrong', async () => {
    const archive = rawTar([{ path: 'package/package.json', body: manifestJson() }]);
    archive[0] ^= 0x01; // "package/..." becomes "qackage/...": the checksum no longer matches
    expect((await refusal(gzipSync(archive))).code).toBe(TarballErrorCode.Corrupt);
  });

  it.each([
    ['a ".." entry', 'package/../../etc/cron.d/evil'],
    ['a leading ".."', '../evil.js'],
    ['an absolute path', '/etc/passwd'],
    ['a Windows drive path', 'C:\\Windows\\evil.dll'],
    ['backslash ".." segments', 'package\\..\\..\\evil.js'],
  ])('refuses paths that escape the package: %s', async (_case, path) => {
    const result = await refusal(rawTgz([{ path: 'package/package.json', body: manifestJson() }, { path, body: 'x' }]));
    expect(result.code).toBe(TarballErrorCode.PathEscapes);
    expect(result.message).toContain(path);
  });

  it.each([
    ['a relative climb', '../../../etc/passwd'],
    ['an absolute target', '/etc/passwd'],
    ['a climb after descending', 'lib/../../outside'],
  ])('refuses symlinks that point outside the package: %s', async (_case, linkpath) => {
    const result = await refusal(rawTgz([{ path: 'package/package.json', body: manifestJson() }, { path: 'package/link', type: 'SymbolicLink', linkpath }]));
    expect(result.code).toBe(TarballErrorCode.LinkEscapes);
  });

  it('accepts a symlink that stays inside the package', async () => {
    const inspection = await inspect(
      rawTgz([
        { path: 'package/package.json', body: manifestJson() },
        { path: 'package/lib/index.js', body: 'x' },
        { path: 'package/lib/alias.js', type: 'SymbolicLink', linkpath: './index.js' },
        { path: 'package/bin/cli', type: 'SymbolicLink', linkpath: '../lib/index.js' },
      ]),
    );
    expect(inspection.files).toEqual(['lib/index.js', 'package.json']);
  });

  it('refuses entries written through a symlink', async () => {
    const result = await refusal(
      rawTgz([
        { path: 'package/package.json', body: manifestJson() },
        { path: 'package/sub/up', type: 'SymbolicLink', linkpath: '..' },
        { path: 'package/sub/up/x.js', body: 'x' },
      ]),
    );
    expect(result.code).toBe(TarballErrorCode.LinkEscapes);
  });

  it('refuses hard links to entries outside the package and accepts those inside', async () => {
    const outside = await refusal(rawTgz([{ path: 'package/package.json', body: manifestJson() }, { path: 'package/h', type: 'Link', linkpath: 'other/secret' }]));
    expect(outside.code).toBe(TarballErrorCode.LinkEscapes);
    const climbing = await refusal(rawTgz([{ path: 'package/package.json', body: manifestJson() }, { path: 'package/h', type: 'Link', linkpath: 'package/../../x' }]));
    expect(climbing.code).toBe(TarballErrorCode.LinkEscapes);
    const inside = await inspect(
      rawTgz([
        { path: 'package/package.json', body: manifestJson() },
        { path: 'package/a.js', body: 'a' },
        { path: 'package/b.js', type: 'Link', linkpath: 'package/a.js' },
      ]),
    );
    expect(inside.fileCount).toBe(2);
  });

  it('refuses entries under two top-level folders, and files at the top level', async () => {
    const twoRoots = await refusal(rawTgz([{ path: 'package/package.json', body: manifestJson() }, { path: 'other/index.js', body: 'x' }]));
    expect(twoRoots.code).toBe(TarballErrorCode.BadLayout);
    const topLevelFile = await refusal(rawTgz([{ path: 'package', body: 'x' }, { path: 'package/package.json', body: manifestJson() }]));
    expect(topLevelFile.code).toBe(TarballErrorCode.BadLayout);
    const dotSegment = await refusal(rawTgz([{ path: 'package/./package.json', body: manifestJson() }]));
    expect(dotSegment.code).toBe(TarballErrorCode.BadLayout);
  });

  it('refuses a second package.json that would replace the first on extraction', async () => {
    const result = await refusal(rawTgz([{ path: 'package/package.json', body: manifestJson() }, { path: 'package/package.json', body: manifestJson({ scripts: { postinstall: 'evil' } }) }]));
    expect(result.code).toBe(TarballErrorCode.DuplicateEntry);
  });

  it('refuses case variants of package.json and a package.json that is not a regular file', async () => {
    const variant = await refusal(rawTgz([{ path: 'package/package.json', body: manifestJson() }, { path: 'package/Package.json', body: manifestJson({ version: '6.6.6' }) }]));
    expect(variant.code).toBe(TarballErrorCode.BadPackageJson);
    const link = await refusal(rawTgz([{ path: 'package/real.json', body: manifestJson() }, { path: 'package/package.json', type: 'SymbolicLink', linkpath: 'real.json' }]));
    expect(link.code).toBe(TarballErrorCode.BadPackageJson);
  });

  it('refuses devices and FIFOs', async () => {
    const result = await refusal(rawTgz([{ path: 'package/package.json', body: manifestJson() }, { path: 'package/tty', type: 'CharacterDevice' }]));
    expect(result.code).toBe(TarballErrorCode.UnsupportedEntry);
  });

  it('refuses more entries than allowed', async () => {
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.js`, 'x']));
    expect((await refusal(packageTgz({ 'package.json': manifestJson(), ...files }), { maxEntries: 10 })).code).toBe(TarballErrorCode.TooManyEntries);
    expect((await inspect(packageTgz({ 'package.json': manifestJson(), ...files }), { maxEntries: 13 })).fileCount).toBe(13);
  });

  it('refuses a tarball that unpacks past the limit', async () => {
    const result = await refusal(packageTgz({ 'package.json': manifestJson(), 'big.bin': Buffer.alloc(300 * 1024) }), { maxUnpackedBytes: 256 * 1024 });
    expect(result.code).toBe(TarballErrorCode.TooLargeUnpacked);
  });

  it.each([
    ['missing', { 'index.js': 'x' }, TarballErrorCode.NoPackageJson],
    ['only nested', { 'lib/package.json': manifestJson() }, TarballErrorCode.NoPackageJson],
    ['not JSON', { 'package.json': '{ "name": "demo", ' }, TarballErrorCode.BadPackageJson],
    ['a JSON array', { 'package.json': '[1, 2]' }, TarballErrorCode.BadPackageJson],
    ['too large', { 'package.json': manifestJson({ description: 'x'.repeat(70 * 1024) }) }, TarballErrorCode.BadPackageJson],
  ])('refuses a package.json that is %s', async (_case, files, code) => {
    expect((await refusal(packageTgz(files))).code).toBe(code);
  });

  it('reads a package.json that starts with a byte order mark', async () => {
    expect((await inspect(packageTgz({ 'package.json': `\uFEFF${manifestJson()}` }))).packageJson.name).toBe('demo');
  });

  it('passes a failing source through unchanged: it says nothing about the tarball', async () => {
    const broken = new Error('blob store went away');
    async function* source() {
      yield packageTgz({ 'package.json': manifestJson() }).subarray(0, 10);
      throw broken;
    }
    await expect(inspectTarball(source(), limits)).rejects.toBe(broken);
  });

  it('refuses limits that are not positive whole numbers', async () => {
    await expect(inspect(packageTgz({ 'package.json': manifestJson() }), { maxEntries: 0 })).rejects.toThrow(RangeError);
  });
});

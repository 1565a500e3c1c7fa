import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hydrateSymlinks } from './hydrate-symlinks';

describe('hydrateSymlinks', () => {
  let pkg: string;
  const links = [
    { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so.60' },
    { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so' },
  ];
  beforeEach(async () => {
    pkg = await mkdtemp(join(tmpdir(), 'pg-hydrate-'));
    await mkdir(join(pkg, 'native', 'lib'), { recursive: true });
    await writeFile(join(pkg, 'native', 'lib', 'libicuuc.so.60.2'), 'real library');
    await writeFile(join(pkg, 'native', 'pg-symlinks.json'), JSON.stringify(links));
  });
  afterEach(() => rm(pkg, { recursive: true, force: true }));

  it('recreates the listed links relative to their folder, once', async () => {
    expect(await hydrateSymlinks(pkg)).toBe(2);
    expect(await readlink(join(pkg, 'native', 'lib', 'libicuuc.so.60'))).toBe('libicuuc.so.60.2');
    expect(await readFile(join(pkg, 'native', 'lib', 'libicuuc.so'), 'utf8')).toBe('real library');
    expect(await hydrateSymlinks(pkg)).toBe(0);
  });

  it('repairs a copy of the native folder elsewhere, leaving the package untouched', async () => {
    const copy = join(pkg, 'copy');
    await mkdir(join(copy, 'lib'), { recursive: true });
    await writeFile(join(copy, 'lib', 'libicuuc.so.60.2'), 'copied library');
    expect(await hydrateSymlinks(pkg, copy)).toBe(2);
    expect(await readFile(join(copy, 'lib', 'libicuuc.so.60'), 'utf8')).toBe('copied library');
    await expect(readlink(join(pkg, 'native', 'lib', 'libicuuc.so.60'))).rejects.toThrow(/ENOENT/);
  });

  it('ignores entries that point outside native/', async () => {
    const hostile = [
      { source: 'native/lib/libicuuc.so.60.2', target: '../escaped' },
      { source: '/etc/passwd', target: 'native/lib/passwd' },
    ];
    await writeFile(join(pkg, 'native', 'pg-symlinks.json'), JSON.stringify(hostile));
    expect(await hydrateSymlinks(pkg)).toBe(0);
  });

  it('does nothing for a package without a link list', async () => {
    await rm(join(pkg, 'native', 'pg-symlinks.json'));
    expect(await hydrateSymlinks(pkg)).toBe(0);
  });
});

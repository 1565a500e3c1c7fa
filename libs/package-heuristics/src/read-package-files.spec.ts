import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeuristicsErrorCode } from './heuristics-error';
import { readPackageFiles } from './read-package-files';

const husky = readFileSync(join(__dirname, '__fixtures__', 'benign', 'husky-9.1.7.tgz'));

describe('readPackageFiles', () => {
  it('gunzips and untars every regular file with its archive path', async () => {
    const files = await readPackageFiles(husky);
    expect(files.map((file) => file.path).sort()).toEqual(['package/LICENSE', 'package/README.md', 'package/bin.js', 'package/husky', 'package/index.d.ts', 'package/index.js', 'package/package.json']);
    const manifest = JSON.parse(files.find((file) => file.path === 'package/package.json')?.bytes.toString() ?? '{}');
    expect(manifest).toMatchObject({ name: 'husky', version: '9.1.7' });
  });

  it.each([
    ['text', Buffer.from('not a tarball, just text long enough to be looked at')],
    ['truncated gzip', husky.subarray(0, 500)],
    ['empty', Buffer.alloc(0)],
  ])('refuses %s with a stable code', async (_, bytes) => {
    await expect(readPackageFiles(bytes)).rejects.toMatchObject({ code: HeuristicsErrorCode.Unreadable });
  });

  it('enforces the file-count and byte limits', async () => {
    await expect(readPackageFiles(husky, { maxFiles: 3 })).rejects.toMatchObject({ code: HeuristicsErrorCode.TooLarge });
    await expect(readPackageFiles(husky, { maxBytes: 1000 })).rejects.toMatchObject({ code: HeuristicsErrorCode.TooLarge });
    await expect(readPackageFiles(husky, { maxFiles: 7, maxBytes: 5000 })).resolves.toHaveLength(7);
  });
});

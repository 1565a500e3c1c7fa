import { entrySegments, hardLinkStaysInside, isAbsoluteArchivePath, resolveSymlinkTarget } from './archive-paths';
import { TarballErrorCode, isTarballError } from './tarball-error';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e: unknown) {
    if (isTarballError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('archive paths', () => {
  it('splits plain entry paths, dropping the trailing slash of folders', () => {
    expect(entrySegments('package/lib/')).toEqual(['package', 'lib']);
    expect(entrySegments('package/a b/c.js')).toEqual(['package', 'a b', 'c.js']);
  });

  it.each(['/abs', '\\abs', 'C:rel', 'd:/x'])('knows %s is absolute', (path) => {
    expect(isAbsoluteArchivePath(path)).toBe(true);
    expect(codeOf(() => entrySegments(path))).toBe(TarballErrorCode.PathEscapes);
  });

  it.each(['package/..', 'package/a/../../b', '..\\x'])('refuses the climb in %s', (path) => {
    expect(codeOf(() => entrySegments(path))).toBe(TarballErrorCode.PathEscapes);
  });

  it.each(['package//x', 'package/./x', './package/x'])('refuses the ambiguous %s', (path) => {
    expect(codeOf(() => entrySegments(path))).toBe(TarballErrorCode.BadLayout);
  });

  it('resolves symlink targets lexically, and only of the form ../../a/b', () => {
    expect(resolveSymlinkTarget(['lib', 'sub'], '../../bin/x')).toEqual(['bin', 'x']);
    expect(resolveSymlinkTarget(['lib'], './x')).toEqual(['lib', 'x']);
    expect(resolveSymlinkTarget([], '.')).toEqual([]);
    expect(resolveSymlinkTarget(['lib'], '../..')).toBeNull();
    expect(resolveSymlinkTarget(['lib'], 'a/../b')).toBeNull();
    expect(resolveSymlinkTarget(['lib'], '/etc')).toBeNull();
    expect(resolveSymlinkTarget(['lib'], '')).toBeNull();
  });

  it('keeps hard links to entries of the same package only', () => {
    expect(hardLinkStaysInside('package', 'package/a.js')).toBe(true);
    expect(hardLinkStaysInside('package', 'package')).toBe(false);
    expect(hardLinkStaysInside('package', 'other/a.js')).toBe(false);
    expect(hardLinkStaysInside('package', 'package/../x')).toBe(false);
    expect(hardLinkStaysInside('package', '/package/a.js')).toBe(false);
  });
});

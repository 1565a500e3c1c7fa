import { TarballError, TarballErrorCode } from './tarball-error';

// Both separators count: a Windows client extracting `a\..\..\x` would climb out just the same.
const SEPARATOR = /[\\/]/;

/** `/x`, `\x`, `C:x`: anything an extractor could anchor outside its target folder. */
export function isAbsoluteArchivePath(path: string): boolean {
  return /^([\\/]|[a-zA-Z]:)/.test(path);
}

/**
 * The segments of an entry path (trailing slashes of directories dropped). Refuses absolute paths
 * and `..` (they escape the extraction folder) and empty or `.` segments (extractors disagree on
 * them, so what one tool shows would not be what another writes).
 */
export function entrySegments(path: string): string[] {
  if (isAbsoluteArchivePath(path)) {
    throw new TarballError(TarballErrorCode.PathEscapes, `entry "${path}" has an absolute path`, { entry: path });
  }
  const segments = path.replace(/[\\/]+$/, '').split(SEPARATOR);
  if (segments.includes('..')) {
    throw new TarballError(TarballErrorCode.PathEscapes, `entry "${path}" climbs out of the package with ".."`, { entry: path });
  }
  if (segments.some((segment) => segment === '' || segment === '.')) {
    throw new TarballError(TarballErrorCode.BadLayout, `entry "${path}" has empty or "." path segments`, { entry: path });
  }
  return segments;
}

/**
 * Where a symlink resolves, relative to the package root, or null when it may leave the root.
 * `linkDir` is the folder holding the link, relative to the package root.
 *
 * Only targets of the form `../../a/b` are followed: a `..` after a named segment would climb
 * out of wherever that segment (itself maybe a symlink) really points, which a lexical check
 * cannot know, so such targets count as escaping.
 */
export function resolveSymlinkTarget(linkDir: readonly string[], target: string): string[] | null {
  if (target === '' || isAbsoluteArchivePath(target)) return null;
  const resolved = [...linkDir];
  let descended = false;
  for (const segment of target.split(SEPARATOR)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (descended || resolved.length === 0) return null;
      resolved.pop();
    } else {
      descended = true;
      resolved.push(segment);
    }
  }
  return resolved;
}

/**
 * A hard link names another archive entry by its archive path; it stays inside the package only
 * when that path is a plain path under the same top-level folder.
 */
export function hardLinkStaysInside(root: string, target: string): boolean {
  if (isAbsoluteArchivePath(target)) return false;
  const segments = target.replace(/[\\/]+$/, '').split(SEPARATOR);
  if (segments.some((segment) => segment === '..' || segment === '' || segment === '.')) return false;
  return segments.length > 1 && segments[0] === root;
}

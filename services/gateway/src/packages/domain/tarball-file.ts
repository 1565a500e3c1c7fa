import { unscopedName } from '../../http/package-name';

/**
 * The canonical tarball URL of a version in the view the client addressed. npm names are
 * URL-safe, and the scope slash stays literal in tarball paths (`/@scope/pkg/-/pkg-1.0.0.tgz`).
 */
export function tarballUrl(registryUrl: string, name: string, version: string): string {
  return `${registryUrl}/${name}/-/${unscopedName(name)}-${version}.tgz`;
}

/**
 * `pkg-1.2.3.tgz` → `1.2.3` for package `@scope/pkg` or `pkg`; undefined when the file cannot be
 * one of its tarballs. Whether that version exists is the caller's question.
 */
export function versionOfTarballFile(name: string, file: string): string | undefined {
  const prefix = `${unscopedName(name)}-`;
  if (!file.startsWith(prefix) || !file.endsWith('.tgz')) return undefined;
  const version = file.slice(prefix.length, -'.tgz'.length);
  return version.length > 0 ? version : undefined;
}

/** Hosts of the `<host>:owner/repo` shorthands npm accepts in package.json `repository`. */
const SHORTHAND_HOSTS: Readonly<Record<string, string>> = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' };

/**
 * One spelling of a source repository, so package.json's `repository` and a provenance
 * statement can be compared: `https://<host>/<path>` with a lower-case host and without `git+`,
 * `.git`, credentials, a trailing slash or a `@ref`/`#ref` suffix. Undefined when unreadable.
 */
export function normaliseRepositoryUrl(raw: string): string | undefined {
  let value = raw.trim();
  if (value.length === 0) return undefined;
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:#.*)?$/.exec(value);
  if (shorthand && !value.includes('://')) return `https://${SHORTHAND_HOSTS[shorthand[1] ?? 'github']}/${shorthand[2]}/${shorthand[3]}`;
  // scp-like `git@host:owner/repo.git`
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(.+)$/.exec(value);
  if (scp && !value.includes('://')) value = `ssh://${scp[1]}/${scp[2]}`;
  value = value.replace(/^git\+/, '');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol) || url.hostname.length === 0) return undefined;
  const path = url.pathname
    .replace(/@.*$/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (path.length <= 1) return undefined;
  return `https://${url.hostname.toLowerCase()}${path}`;
}

/** package.json `repository`: a string, or `{ type, url }`. */
export function manifestRepository(manifest: Readonly<Record<string, unknown>>): string | undefined {
  const repository = manifest.repository;
  if (typeof repository === 'string') return repository;
  if (typeof repository === 'object' && repository !== null && typeof (repository as Record<string, unknown>).url === 'string') {
    return (repository as Record<string, string>).url;
  }
  return undefined;
}

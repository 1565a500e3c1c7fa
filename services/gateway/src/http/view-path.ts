/** Splits `/<view>/<rest>` when the first segment names a configured view; else the default view. */
export function splitViewPrefix(rawPath: string, views: readonly string[], defaultView: string): { view: string; prefix: string; path: string } {
  const match = /^\/([^/?]+)(\/.*)?$/.exec(rawPath);
  if (match && views.includes(match[1])) return { view: match[1], prefix: `/${match[1]}`, path: match[2] ?? '/' };
  return { view: defaultView, prefix: '', path: rawPath };
}

/**
 * The registry URL as the client sees it: the configured public URL, or the request's own
 * host and scheme (honouring a reverse proxy's X-Forwarded-* headers), plus the view prefix.
 */
export function externalRegistryUrl(
  publicUrl: string | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  prefix: string,
): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}${prefix}`;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  const proto = first(headers['x-forwarded-proto']) ?? 'http';
  const host = first(headers['x-forwarded-host']) ?? first(headers.host) ?? '127.0.0.1';
  return `${proto}://${host}${prefix}`;
}

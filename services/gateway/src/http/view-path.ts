/** Splits `/<view>/<rest>` when the first segment names a configured view; else the default view. */
export function splitViewPrefix(rawPath: string, views: readonly string[], defaultView: string): { view: string; prefix: string; path: string } {
  const match = /^\/([^/?]+)(\/.*)?$/.exec(rawPath);
  if (match && views.includes(match[1])) return { view: match[1], prefix: `/${match[1]}`, path: match[2] ?? '/' };
  return { view: defaultView, prefix: '', path: rawPath };
}

/**
 * The registry URL as the client sees it, plus the view prefix: the configured public URL, else
 * the request's `Host`. A reverse proxy's X-Forwarded-Host/-Proto are honoured only when the
 * connection comes from one (`fromTrustedProxy`); from anyone else they are ignored, so a client
 * cannot point tarball or login URLs at another host.
 */
export function externalRegistryUrl(
  publicUrl: string | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  prefix: string,
  fromTrustedProxy = false,
): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}${prefix}`;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  const forwardedProto = fromTrustedProxy ? first(headers['x-forwarded-proto']) : undefined;
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http';
  const host = (fromTrustedProxy ? first(headers['x-forwarded-host']) : undefined) ?? first(headers.host) ?? '127.0.0.1';
  return `${proto}://${host}${prefix}`;
}

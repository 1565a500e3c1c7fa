/** Credentials an `Authorization` header carries, as npm sends them. */
export type PresentedCredentials =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string };

/**
 * `Bearer <token>` (an `_authToken`) or `Basic base64(user:password)` (`_auth`, or npm's legacy
 * login retry). Anything else, or a malformed value, is no credentials at all.
 */
export function parseAuthorization(header: string | undefined): PresentedCredentials | undefined {
  if (!header) return undefined;
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return undefined;
  const [, scheme, value] = match;
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return { kind: 'bearer', token: value };
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return undefined;
      return { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    default:
      return undefined;
  }
}

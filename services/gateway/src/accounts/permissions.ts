import { RegistryHttpError } from '../http/registry-errors';
import type { Principal } from '../http/registry-request';

/** Sent with 401s so clients know a bearer token is expected (npm prints it after "need:"). */
export const BEARER_CHALLENGE: Readonly<Record<string, string>> = Object.freeze({ 'www-authenticate': 'Bearer realm="palisade"' });

/** 401 for a request without usable credentials. */
export function unauthenticated(detail = 'log in with `npm login`'): RegistryHttpError {
  return new RegistryHttpError('PAL_ERR_UNAUTHORIZED', detail, { headers: { ...BEARER_CHALLENGE } });
}

export function assertAuthenticated(principal: Principal | null, detail?: string): asserts principal is Principal {
  if (!principal) throw unauthenticated(detail);
}

/**
 * True when the principal's token reaches `packageName`: no allow-list, an `@scope` entry that
 * is the package's scope, or the exact name. Says nothing about ownership (the packages side
 * checks maintainers) nor about read-only.
 */
export function tokenCovers(principal: Principal, packageName: string): boolean {
  const allowed = principal.allowedPackages;
  if (allowed === undefined) return true;
  const scope = packageName.startsWith('@') ? packageName.slice(0, packageName.indexOf('/')) : undefined;
  return allowed.some((entry) => (entry.startsWith('@') && !entry.includes('/') ? entry === scope : entry === packageName));
}

export type WriteDecision = 'allowed' | 'anonymous' | 'readonly' | 'outside-token-scope';

/**
 * Whether the principal's token may change `packageName` at all. Read-only and package
 * allow-lists bind every token, an admin's too; being a maintainer (or an admin) is checked by
 * the caller on top of this.
 */
export function writeDecision(principal: Principal | null, packageName: string): WriteDecision {
  if (!principal) return 'anonymous';
  if (principal.readonly) return 'readonly';
  if (!tokenCovers(principal, packageName)) return 'outside-token-scope';
  return 'allowed';
}

/** Throws 401 / 403 (PAL_ERR_TOKEN_READONLY, PAL_ERR_TOKEN_SCOPE) unless `writeDecision` allows. */
export function assertCanWrite(principal: Principal | null, packageName: string): asserts principal is Principal {
  switch (writeDecision(principal, packageName)) {
    case 'anonymous':
      throw unauthenticated(`log in to change ${packageName}`);
    case 'readonly':
      throw new RegistryHttpError('PAL_ERR_TOKEN_READONLY', `cannot change ${packageName}`);
    case 'outside-token-scope':
      throw new RegistryHttpError('PAL_ERR_TOKEN_SCOPE', packageName);
    case 'allowed':
      return;
  }
}

/** Throws unless the principal is an administrator acting with a writable, unrestricted token. */
export function assertAdmin(principal: Principal | null, action: string): asserts principal is Principal {
  assertAuthenticated(principal, `log in as an administrator to ${action}`);
  if (!principal.admin) throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `only administrators may ${action}`);
  if (principal.readonly) throw new RegistryHttpError('PAL_ERR_TOKEN_READONLY', `cannot ${action}`);
}

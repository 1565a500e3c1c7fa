import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import { LOGGER } from '@palisade/platform';
import { Authenticator, type Principal } from '../../http/registry-request';
import { parseAuthorization } from '../credentials/authorization-header';
import { ipInRanges } from '../credentials/cidr';
import { verifyPassword } from '../credentials/password-hasher';
import { allowListOf } from '../credentials/token-grant';
import { tokenKeyOf } from '../credentials/token-secret';
import { TokenStore, type UsableToken } from '../store/token-store';
import { UserStore } from '../store/user-store';
import { PasswordThrottle } from './password-throttle';
import { PrincipalCache, type CachedIdentity } from './principal-cache';
import { UseThrottle } from './use-throttle';

/** How long a resolved credential is trusted without asking the database again. */
export const PRINCIPAL_CACHE_TTL_MS = 5_000;
/** `last_used` is written at most this often per token. */
export const LAST_USED_INTERVAL_MS = 60_000;

/** A credential resolved from the database; `notAfter` is when it stops being valid (epoch ms). */
interface Resolved {
  identity: CachedIdentity;
  notAfter?: number;
}

/** The `tokenId` of a principal that authenticated with user name and password (HTTP basic). */
export const basicTokenId = (user: string): string => `basic:${user}`;

/** What a usable token lets its bearer do. */
export function principalOfToken(token: UsableToken): Principal {
  const allowedPackages = allowListOf(token);
  return {
    user: token.user,
    tokenId: token.key,
    readonly: token.readonly,
    // A token limited to some packages acts as its owner only there, even when the owner is an admin.
    admin: token.userAdmin && allowedPackages === undefined,
    ...(allowedPackages ? { allowedPackages } : {}),
  };
}

/**
 * Resolves `Authorization: Bearer <token>` (by the token's sha512) and `Basic user:password`
 * (argon2id) to a principal. Positive answers are cached for a few seconds; `forgetToken` evicts
 * after a revoke. A token with a CIDR whitelist is refused unless the client address is given and
 * inside it.
 */
@Injectable()
export class TokenAuthenticator extends Authenticator {
  private readonly cache = new PrincipalCache(PRINCIPAL_CACHE_TTL_MS);
  private readonly uses = new UseThrottle(LAST_USED_INTERVAL_MS);

  constructor(
    private readonly tokens: TokenStore,
    private readonly users: UserStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly throttle: PasswordThrottle,
  ) {
    super();
  }

  async authenticate(authorization: string | undefined, clientIp?: string): Promise<Principal | null> {
    const credentials = parseAuthorization(authorization);
    if (!credentials) return null;
    const cacheKey = createHash('sha256').update(authorization as string).digest('hex');
    let identity = this.cache.get(cacheKey);
    if (!identity) {
      const resolved = credentials.kind === 'bearer' ? await this.resolveToken(credentials.token) : await this.resolvePassword(credentials.user, credentials.password, clientIp);
      if (!resolved) return null;
      this.cache.set(cacheKey, resolved.identity, resolved.notAfter);
      identity = resolved.identity;
    }
    if (identity.cidrWhitelist && (clientIp === undefined || !ipInRanges(clientIp, identity.cidrWhitelist))) return null;
    if (credentials.kind === 'bearer') this.recordUse(identity.principal.tokenId);
    return identity.principal;
  }

  /** Makes a revoked token stop working on this replica at once (others follow within the cache TTL). */
  forgetToken(key: string): void {
    this.cache.evictToken(key);
  }

  private async resolveToken(token: string): Promise<Resolved | undefined> {
    const usable = await this.tokens.findUsable(tokenKeyOf(token));
    if (!usable) return undefined;
    return { identity: { principal: principalOfToken(usable), cidrWhitelist: usable.cidrWhitelist }, notAfter: usable.expiresAt?.getTime() };
  }

  /** HTTP basic credentials count against the same password throttle as logins. */
  private resolvePassword(name: string, password: string, clientIp: string | undefined): Promise<Resolved | undefined> {
    return this.throttle.check(name, clientIp, async () => {
      const user = await this.users.find(name);
      if (!(await verifyPassword(user?.passwordHash, password)) || !user) return undefined;
      return { identity: { principal: { user: user.name, tokenId: basicTokenId(user.name), readonly: false, admin: user.admin }, cidrWhitelist: null } };
    });
  }

  private recordUse(key: string): void {
    if (!this.uses.shouldRecord(key)) return;
    // Off the request path: a lost last_used write must never fail or slow a request.
    this.tokens.touch(key).catch((error: unknown) => this.logger.warn({ err: error }, 'could not record token use'));
  }
}

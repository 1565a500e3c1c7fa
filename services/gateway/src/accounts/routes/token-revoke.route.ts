import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../../http/registry-errors';
import type { Principal, RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { isTokenKey, tokenKeyOf } from '../credentials/token-secret';
import { assertAuthenticated } from '../permissions';
import { TokenStore } from '../store/token-store';
import { decodeSegment } from './request-body';

const KEY_PREFIX = /^[0-9a-f]{6,127}$/;

/**
 * `npm token revoke <id|token>`: npm resolves the id to a full key itself, or sends the token
 * value when that is what it was given. A unique key prefix (≥ 6 hex) among the caller's own
 * tokens works too, for curl. Owners revoke their tokens; admins any token.
 */
@Injectable()
export class TokenRevokeRoute implements RegistryRoute {
  readonly method = 'DELETE';
  readonly pattern = /^\/-\/npm\/v1\/tokens\/token\/(?<key>[^/]+)$/;

  constructor(
    private readonly tokens: TokenStore,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const principal = await request.principal();
    assertAuthenticated(principal);
    // A read-only token must not be able to lock its owner out of their other tokens.
    if (principal.readonly) throw new RegistryHttpError('PAL_ERR_TOKEN_READONLY', 'cannot revoke tokens');
    const key = await this.resolveKey(principal, decodeSegment(params.key, 'token id'));
    const token = key === undefined ? undefined : await this.tokens.find(key);
    // Someone else's token is reported like an unknown one: its existence is not the caller's business.
    if (!token || token.revoked || (token.user !== principal.user && !principal.admin)) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', 'token');
    await this.tokens.revoke(token.key);
    this.authenticator.forgetToken(token.key);
    return { status: 200, body: { ok: 'token revoked' }, headers: { 'cache-control': 'no-store' } };
  }

  private async resolveKey(principal: Principal, id: string): Promise<string | undefined> {
    if (isTokenKey(id)) return id;
    if (KEY_PREFIX.test(id)) {
      const matches = await this.tokens.findByKeyPrefix(principal.user, id);
      if (matches.length > 1) throw new RegistryHttpError('PAL_ERR_CONFLICT', `token id ${id} is ambiguous; give more of the key`);
      if (matches.length === 1) return matches[0].key;
    }
    return tokenKeyOf(id);
  }
}

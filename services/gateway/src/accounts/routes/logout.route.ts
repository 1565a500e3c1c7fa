import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { TokenAuthenticator } from '../auth/token-authenticator';
import { tokenKeyOf } from '../credentials/token-secret';
import { TokenStore } from '../store/token-store';
import { decodeSegment } from './request-body';

/**
 * `npm logout`: `DELETE /-/user/token/<token>` revokes that token. Knowing a token is authority
 * enough to kill it (a leaked token can be revoked by whoever finds it). Always 200, so npm also
 * clears a local token the registry no longer knows.
 */
@Injectable()
export class LogoutRoute implements RegistryRoute {
  readonly method = 'DELETE';
  readonly pattern = /^\/-\/user\/token\/(?<token>[^/]+)$/;

  constructor(
    private readonly tokens: TokenStore,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  async handle(_request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const key = tokenKeyOf(decodeSegment(params.token, 'token'));
    await this.tokens.revoke(key);
    this.authenticator.forgetToken(key);
    return { status: 200, body: { ok: 'Logged out' }, headers: { 'cache-control': 'no-store' } };
  }
}

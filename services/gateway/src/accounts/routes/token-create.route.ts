import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../../http/registry-errors';
import type { Principal, RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { AccountService } from '../auth/account-service';
import { TokenIssuer } from '../auth/token-issuer';
import { narrowGrant, parseTokenRequest, UNRESTRICTED_GRANT, type CreatorRights } from '../credentials/token-grant';
import { assertAuthenticated, unauthenticated } from '../permissions';
import { basicTokenId } from '../auth/token-authenticator';
import { TokenStore } from '../store/token-store';
import { tokenView } from './token-view';

/**
 * `npm token create`: a new token for the caller, who must type their password again (so a
 * stolen token cannot mint more), and the new token never has more rights than the token used
 * to ask (PAL_ERR_TOKEN_ESCALATION). The full value is in this answer and nowhere else.
 */
@Injectable()
export class TokenCreateRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/npm\/v1\/tokens$/;

  constructor(
    private readonly accounts: AccountService,
    private readonly issuer: TokenIssuer,
    private readonly tokens: TokenStore,
  ) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await request.principal();
    assertAuthenticated(principal);
    const parsed = parseTokenRequest(request.body, new Date());
    if ('problems' in parsed) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', parsed.problems.join('; '));
    if (!(await this.accounts.verify(principal.user, parsed.password))) throw new RegistryHttpError('PAL_ERR_BAD_CREDENTIALS');
    // The password proves who asks, not what they may do: the new token is bounded by the token it is asked with.
    const narrowed = narrowGrant(parsed.grant, await this.creatorRights(principal));
    if ('escalations' in narrowed) throw new RegistryHttpError('PAL_ERR_TOKEN_ESCALATION', narrowed.escalations.join('; '));
    const { token, record } = await this.issuer.issue(principal.user, 'api', { ...narrowed.grant, name: narrowed.grant.name ?? 'npm token create' });
    return { status: 201, body: tokenView(record, token), headers: { 'cache-control': 'no-store' } };
  }

  /** The rights of the credential the request came with: a token's grant, or every right for user and password. */
  private async creatorRights(principal: Principal): Promise<CreatorRights> {
    if (principal.tokenId === basicTokenId(principal.user)) return UNRESTRICTED_GRANT;
    const creator = await this.tokens.findUsable(principal.tokenId);
    if (!creator) throw unauthenticated('the token was revoked or has expired');
    return creator;
  }
}

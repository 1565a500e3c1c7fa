import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { AccountService } from '../auth/account-service';
import { TokenIssuer } from '../auth/token-issuer';
import { parseTokenRequest } from '../credentials/token-grant';
import { assertAuthenticated } from '../permissions';
import { tokenView } from './token-view';

/**
 * `npm token create`: a new token for the caller, who must type their password again (so a
 * stolen token cannot mint more). The full value is in this answer and nowhere else.
 */
@Injectable()
export class TokenCreateRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/npm\/v1\/tokens$/;

  constructor(
    private readonly accounts: AccountService,
    private readonly issuer: TokenIssuer,
  ) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await request.principal();
    assertAuthenticated(principal);
    const parsed = parseTokenRequest(request.body, new Date());
    if ('problems' in parsed) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', parsed.problems.join('; '));
    if (!(await this.accounts.verify(principal.user, parsed.password))) throw new RegistryHttpError('PAL_ERR_BAD_CREDENTIALS');
    const { token, record } = await this.issuer.issue(principal.user, 'api', { ...parsed.grant, name: parsed.grant.name ?? 'npm token create' });
    return { status: 201, body: tokenView(record, token), headers: { 'cache-control': 'no-store' } };
  }
}

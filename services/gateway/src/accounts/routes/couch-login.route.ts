import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import { gatewaySettings, type GatewaySettings } from '../../gateway.config';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { AccountService } from '../auth/account-service';
import { TokenIssuer } from '../auth/token-issuer';
import { UNRESTRICTED_GRANT } from '../credentials/token-grant';
import { decodeSegment, jsonObject, stringField } from './request-body';

/**
 * `npm login --auth-type=legacy` and `npm adduser`: `PUT /-/user/org.couchdb.user:<name>` with
 * `{name, password, email?}`. An existing user with the right password gets a new token (201,
 * never npm's 409 detour); an unknown one is created when sign-up is open or an admin asks.
 * The `/-rev/<rev>` form npm uses after a 409 is accepted the same way.
 */
@Injectable()
export class CouchLoginRoute implements RegistryRoute {
  readonly method = 'PUT';
  readonly pattern = /^\/-\/user\/org\.couchdb\.user:(?<name>[^/]+)(?:\/-rev\/[^/]+)?$/;
  private readonly settings: GatewaySettings;

  constructor(
    private readonly accounts: AccountService,
    private readonly issuer: TokenIssuer,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
  ) {
    this.settings = gatewaySettings(config);
  }

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const name = decodeSegment(params.name, 'user name');
    const body = jsonObject(request.body);
    const bodyName = stringField(body, 'name');
    if (bodyName !== undefined && bodyName !== name) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'the name in the body differs from the one in the URL');
    const password = stringField(body, 'password');
    if (!password) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'password is required');

    if (await this.accounts.findUser(name)) return this.logIn(name, password);

    const principal = await request.principal();
    const byAdmin = principal !== null && principal.admin && !principal.readonly;
    // Sign-up closed: an unknown name takes the login path (a decoy password hash, then the same
    // 401 as a wrong password), so the answer does not tell which accounts exist.
    if (!this.settings.openSignup && !byAdmin) return this.logIn(name, password);
    const created = await this.accounts.register({ name, email: stringField(body, 'email') ?? '', password });
    // Lost a race with a concurrent sign-up of the same name: that account decides.
    if (!created) return this.logIn(name, password);
    const { token } = await this.issuer.issue(name, 'login', { ...UNRESTRICTED_GRANT, name: 'npm adduser' });
    return { status: 201, body: { ok: `user '${name}' created`, token }, headers: { 'cache-control': 'no-store' } };
  }

  private async logIn(name: string, password: string): Promise<RegistryReply> {
    const user = await this.accounts.verify(name, password);
    // With sign-up closed the same words answer a wrong password and an unknown name (so they tell
    // nobody which accounts exist), and say where a new account comes from.
    if (!user) throw new RegistryHttpError('PAL_ERR_BAD_CREDENTIALS', this.settings.openSignup ? '' : 'sign-up is closed: an administrator creates accounts');
    const { token } = await this.issuer.issue(user.name, 'login', { ...UNRESTRICTED_GRANT, name: 'npm login' });
    return { status: 201, body: { ok: `you are authenticated as '${user.name}'`, token }, headers: { 'cache-control': 'no-store' } };
  }
}

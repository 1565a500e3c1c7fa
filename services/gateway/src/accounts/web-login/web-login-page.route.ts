import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRoute, RouteParams } from '../../http/registry-request';
import { loginFormPage, messagePage, PAGE_HEADERS } from './login-page';
import { WebLoginService } from './web-login.service';

export const LOGIN_PAGE_PATTERN = /^\/-\/v1\/login\/(?<loginId>[^/]+)$/;

/** Answers for a login URL that no longer (or never) leads to a pending login. */
export function unusableLoginPage(gone: boolean): RegistryReply {
  return gone
    ? { status: 410, raw: messagePage('Login expired', 'This login link has expired or was used already. Run npm login again.'), headers: { ...PAGE_HEADERS } }
    : { status: 404, raw: messagePage('Unknown login', 'This login link is not valid. Run npm login again.'), headers: { ...PAGE_HEADERS } };
}

/** `GET <loginUrl>`: the sign-in form for a pending web login. */
@Injectable()
export class WebLoginPageRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = LOGIN_PAGE_PATTERN;

  constructor(private readonly logins: WebLoginService) {}

  async handle(_request: unknown, params: RouteParams): Promise<RegistryReply> {
    const found = await this.logins.pendingSession(params.loginId);
    if (!found || 'gone' in found) return unusableLoginPage(found !== undefined);
    return { status: 200, raw: loginFormPage({ allowSignup: found.session.allowSignup }), headers: { ...PAGE_HEADERS } };
  }
}

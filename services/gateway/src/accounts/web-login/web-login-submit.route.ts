import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { formFields } from '../routes/request-body';
import { loginFormPage, messagePage, PAGE_HEADERS } from './login-page';
import { LOGIN_PAGE_PATTERN, unusableLoginPage } from './web-login-page.route';
import { WebLoginService } from './web-login.service';

/** `POST <loginUrl>` (the form): checks the password and lets the waiting `npm login` finish. */
@Injectable()
export class WebLoginSubmitRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = LOGIN_PAGE_PATTERN;

  constructor(private readonly logins: WebLoginService) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const found = await this.logins.pendingSession(params.loginId);
    if (!found || 'gone' in found) return unusableLoginPage(found !== undefined);
    const form = formFields(request.body);
    const outcome = await this.logins.approve(found.session, form);
    const again = (status: number, error: string): RegistryReply => ({
      status,
      raw: loginFormPage({ allowSignup: found.session.allowSignup, username: form.username, error }),
      headers: { ...PAGE_HEADERS },
    });
    switch (outcome.kind) {
      case 'approved':
        return { status: 200, raw: messagePage('Logged in', `You are logged in as ${outcome.user}. Return to your terminal; you can close this page.`), headers: { ...PAGE_HEADERS } };
      case 'bad-credentials':
        return again(401, 'Incorrect user name or password.');
      case 'invalid':
        return again(400, outcome.problems.join('; '));
      case 'gone':
        return unusableLoginPage(true);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { WebLoginService } from './web-login.service';

/** npm polls again after this many seconds while the person has not signed in yet. */
const RETRY_AFTER_SECONDS = 1;

/** `GET <doneUrl>`: 202 while pending, 200 `{token}` once, then 410; 404 for unknown sessions. */
@Injectable()
export class WebLoginDoneRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/v1\/done$/;

  constructor(private readonly logins: WebLoginService) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const sessionId = request.query.get('sessionId');
    if (!sessionId) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'sessionId is required');
    const outcome = await this.logins.poll(sessionId);
    switch (outcome.kind) {
      case 'pending':
        return { status: 202, body: {}, headers: { 'retry-after': String(RETRY_AFTER_SECONDS), 'cache-control': 'no-store' } };
      case 'token':
        return { status: 200, body: { token: outcome.token }, headers: { 'cache-control': 'no-store' } };
      case 'gone':
        throw new RegistryHttpError('PAL_ERR_LOGIN_EXPIRED');
      case 'unknown':
        throw new RegistryHttpError('PAL_ERR_NOT_FOUND', 'login session');
    }
  }
}

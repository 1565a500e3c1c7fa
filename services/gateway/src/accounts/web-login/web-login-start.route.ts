import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import { gatewaySettings } from '../../gateway.config';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { WebLoginService } from './web-login.service';

/** `POST /-/v1/login` (`npm login`, `{create: true}` from `npm adduser`) → the two URLs of a new web login. */
@Injectable()
export class WebLoginStartRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/v1\/login$/;
  private readonly openSignup: boolean;

  constructor(
    private readonly logins: WebLoginService,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
  ) {
    this.openSignup = gatewaySettings(config).openSignup;
  }

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const body = request.body;
    const create = typeof body === 'object' && body !== null && (body as Record<string, unknown>).create === true;
    const { loginId, sessionId } = await this.logins.start(create && this.openSignup);
    return {
      status: 200,
      body: { loginUrl: `${request.registryUrl}/-/v1/login/${loginId}`, doneUrl: `${request.registryUrl}/-/v1/done?sessionId=${sessionId}` },
      headers: { 'cache-control': 'no-store' },
    };
  }
}

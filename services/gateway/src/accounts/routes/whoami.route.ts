import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { assertAuthenticated } from '../permissions';

/** `npm whoami` (and yarn after a 401): `{username}` of the token's owner. */
@Injectable()
export class WhoamiRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/whoami$/;

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await request.principal();
    assertAuthenticated(principal);
    return { status: 200, body: { username: principal.user }, headers: { 'cache-control': 'no-store' } };
  }
}

import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { assertAuthenticated } from '../permissions';
import { UserStore } from '../store/user-store';
import { decodeSegment } from './request-body';

/** `GET /-/user/org.couchdb.user:<name>` → `{name, email}`: `npm owner add` checks the user exists. Signed-in callers only. */
@Injectable()
export class CouchUserRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/user\/org\.couchdb\.user:(?<name>[^/]+)$/;

  constructor(private readonly users: UserStore) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    assertAuthenticated(await request.principal());
    const name = decodeSegment(params.name, 'user name');
    const user = await this.users.find(name);
    if (!user) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `user ${name}`);
    return {
      status: 200,
      body: { _id: `org.couchdb.user:${user.name}`, name: user.name, email: user.email, type: 'user', roles: [], created: user.created.toISOString() },
      headers: { 'cache-control': 'no-store' },
    };
  }
}

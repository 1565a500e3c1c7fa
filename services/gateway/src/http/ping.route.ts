import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRoute } from './registry-request';

/** `npm ping`: any 2xx; the body is printed by `npm ping --json`. */
@Injectable()
export class PingRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/ping$/;

  async handle(): Promise<RegistryReply> {
    return { status: 200, body: {}, headers: { 'cache-control': 'no-store' } };
  }
}

import { Injectable } from '@nestjs/common';
import { PACKAGE_NAME } from '../../http/package-name';
import type { RegistryReply, RegistryRoute } from '../../http/registry-request';

/**
 * `GET /-/package/<name>/visibility`: npm asks before a provenance publish without `--access`.
 * Nothing here is world-readable anyway (the registry's own auth guards it), so every package,
 * even one not published yet, counts as public and the publish goes ahead.
 */
@Injectable()
export class VisibilityRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = new RegExp(`^/-/package/${PACKAGE_NAME}/visibility$`);

  async handle(): Promise<RegistryReply> {
    return { status: 200, body: { public: true }, headers: { 'cache-control': 'no-cache' } };
  }
}

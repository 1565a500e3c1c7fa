import { Injectable } from '@nestjs/common';
import { PACKAGE_NAME } from '../../http/package-name';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { UnpublishService } from '../application/unpublish-service';
import { nameParam, segmentParam } from './package-name-param';

/** `DELETE /<name>/-rev/<rev>`: `npm unpublish <name> --force` (or of its last version). */
@Injectable()
export class PackageDeleteRoute implements RegistryRoute {
  readonly method = 'DELETE';
  readonly pattern = new RegExp(`^/${PACKAGE_NAME}/-rev/(?<rev>[^/]+)$`);

  constructor(private readonly unpublishing: UnpublishService) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    return this.unpublishing.unpublishPackage(request, nameParam(params.name, 'write'));
  }
}

/** `DELETE /<name>/-/<file>.tgz/-rev/<rev>`: the second half of `npm unpublish <name>@<version>`. */
@Injectable()
export class TarballDeleteRoute implements RegistryRoute {
  readonly method = 'DELETE';
  readonly pattern = new RegExp(`^/${PACKAGE_NAME}/-/(?<file>[^/]+\\.tgz)/-rev/(?<rev>[^/]+)$`);

  constructor(private readonly unpublishing: UnpublishService) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    return this.unpublishing.deleteTarball(request, nameParam(params.name, 'write'), segmentParam(params.file));
  }
}

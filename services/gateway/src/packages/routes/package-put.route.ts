import { Injectable } from '@nestjs/common';
import { PACKAGE_NAME } from '../../http/package-name';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { MetadataService } from '../application/metadata-service';
import { PublishService } from '../application/publish-service';
import { isPublishBody } from '../domain/publish-body';
import { nameParam } from './package-name-param';

/** `PUT /<name>`: a publish when it carries attachments, else a metadata change (deprecate, owner). */
@Injectable()
export class PackagePutRoute implements RegistryRoute {
  readonly method = 'PUT';
  readonly pattern = new RegExp(`^/${PACKAGE_NAME}$`);

  constructor(
    private readonly publishing: PublishService,
    private readonly metadata: MetadataService,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const name = nameParam(params.name, 'write');
    return isPublishBody(request.body) ? this.publishing.publish(request, name) : this.metadata.update(request, name);
  }
}

/** `PUT /<name>/-rev/<rev>`: `npm unpublish <name>@<version>` and `npm owner add|rm` send the changed doc here. */
@Injectable()
export class PackageRevisionPutRoute implements RegistryRoute {
  readonly method = 'PUT';
  readonly pattern = new RegExp(`^/${PACKAGE_NAME}/-rev/(?<rev>[^/]+)$`);

  constructor(private readonly metadata: MetadataService) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    return this.metadata.update(request, nameParam(params.name, 'write'));
  }
}

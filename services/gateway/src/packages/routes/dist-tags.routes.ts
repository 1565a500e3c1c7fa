import { Injectable } from '@nestjs/common';
import { PACKAGE_NAME } from '../../http/package-name';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { DistTagService, tagMapOf } from '../application/dist-tag-service';
import { nameParam, segmentParam } from './package-name-param';

const TAGS = `^/-/package/${PACKAGE_NAME}/dist-tags`;

/** `GET /-/package/<name>/dist-tags` (`npm dist-tag ls`), as the view shows them. */
@Injectable()
export class DistTagsGetRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = new RegExp(`${TAGS}$`);

  constructor(private readonly tags: DistTagService) {}

  handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    return this.tags.list(request, nameParam(params.name, 'read'));
  }
}

/** `PUT /-/package/<name>/dist-tags/<tag>` with the version as a JSON string (`npm dist-tag add`). */
@Injectable()
export class DistTagPutRoute implements RegistryRoute {
  readonly method = 'PUT';
  readonly pattern = new RegExp(`${TAGS}/(?<tag>[^/]+)$`);

  constructor(private readonly tags: DistTagService) {}

  handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    return this.tags.set(request, nameParam(params.name, 'write'), { [segmentParam(params.tag)]: request.body });
  }
}

/** `DELETE /-/package/<name>/dist-tags/<tag>` (`npm dist-tag rm`); `latest` stays. */
@Injectable()
export class DistTagDeleteRoute implements RegistryRoute {
  readonly method = 'DELETE';
  readonly pattern = new RegExp(`${TAGS}/(?<tag>[^/]+)$`);

  constructor(private readonly tags: DistTagService) {}

  handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    return this.tags.remove(request, nameParam(params.name, 'write'), segmentParam(params.tag));
  }
}

/** `POST /-/package/<name>/dist-tags` with `{ tag: version }`: the legacy merge form. */
@Injectable()
export class DistTagsPostRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = new RegExp(`${TAGS}$`);

  constructor(private readonly tags: DistTagService) {}

  handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    return this.tags.set(request, nameParam(params.name, 'write'), tagMapOf(request.body));
  }
}

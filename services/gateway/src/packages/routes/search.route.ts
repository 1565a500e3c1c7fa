import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { SearchService } from '../application/search-service';

/** `GET /-/v1/search?text=&size=&from=` (`npm search`). */
@Injectable()
export class SearchRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/v1\/search$/;

  constructor(private readonly search: SearchService) {}

  handle(request: RegistryRequest): Promise<RegistryReply> {
    return this.search.handle(request);
  }
}

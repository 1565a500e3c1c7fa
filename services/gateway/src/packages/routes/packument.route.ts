import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { PACKAGE_NAME } from '../../http/package-name';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { PackumentCache } from '../cache/packument-cache';
import { matchesIfNoneMatch, pickContentCoding, representationFor } from '../domain/content-negotiation';
import { renderPackument } from '../domain/render-packument';
import { PackageReader } from '../store/package-reader';
import { ReadThrough } from '../../upstream/read-through';
import { nameParam } from './package-name-param';

/**
 * `GET /<name>`: the view's packument, full or abbreviated by `Accept`, from the rendered cache
 * (ETag/304, precompressed). `?write=true` (npm's read before a metadata write) bypasses caches.
 * Names unknown here are read through from the upstream when one is configured.
 */
@Injectable()
export class PackumentRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = new RegExp(`^/${PACKAGE_NAME}$`);

  constructor(
    private readonly cache: PackumentCache,
    private readonly reader: PackageReader,
    private readonly readThrough: ReadThrough,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const name = nameParam(params.name, 'read');
    if (request.query.get('write') === 'true') return this.forWrite(request, name);
    const doc = await this.#packument(request, name);
    if (!doc) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', name);
    const coding = pickContentCoding(request.headers['accept-encoding']);
    if (matchesIfNoneMatch(request.headers['if-none-match'], doc.hash)) {
      // An empty stream, not an empty buffer: a 304 must not claim `Content-Length: 0` for the cached body.
      return { status: 304, headers: doc.notModifiedHeaders(coding), raw: Readable.from([]) };
    }
    return { status: 200, headers: doc.headers(coding), raw: await doc.encoded(coding) };
  }

  /** From the cache; a name unknown here is read through from the upstream first (where allowed). */
  async #packument(request: RegistryRequest, name: string) {
    const representation = representationFor(request.headers.accept);
    const doc = await this.cache.get(request.view, name, representation, request.registryUrl);
    if (doc || !this.readThrough.eligible(name)) {
      this.readThrough.revalidateIfStale(name);
      return doc;
    }
    // One small query: this path also answers every request for a package a view holds back.
    const arrival = await this.reader.arrivalOf(name);
    if (arrival === null) {
      await this.readThrough.resolveUnknown(request.view, name);
    } else if (arrival.awaitingListing || this.readThrough.isArriving(arrival.modifiedAt)) {
      // Another request read it through moments ago: its versions may still be reaching this view.
      await this.readThrough.settle(request.view, name);
    } else {
      this.readThrough.revalidateIfStale(name);
      return null; // known here, but this view serves none of its versions
    }
    const settled = await this.cache.get(request.view, name, representation, request.registryUrl);
    if (!settled && request.view === this.readThrough.entryView) {
      // Recorded, but not admitted yet (scans and signatures still running): "not found" would be a lie.
      throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', `${name} is being read through from the upstream; retry shortly`);
    }
    return settled;
  }

  private async forWrite(request: RegistryRequest, name: string): Promise<RegistryReply> {
    const record = await this.reader.load(name);
    const doc = record ? renderPackument(record, request.view, request.registryUrl, 'full') : null;
    if (!doc) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', name);
    return { status: 200, body: doc, headers: { 'cache-control': 'no-store', vary: 'Accept, Accept-Encoding' } };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { BLOB_STORE } from '@palisade/platform';
import type { BlobStore } from '@palisade/storage';
import { PACKAGE_NAME } from '../../http/package-name';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { versionOfTarballFile } from '../domain/tarball-file';
import { PackageReader } from '../store/package-reader';
import { UpstreamTarballs } from '../../upstream/upstream-tarballs';
import { nameParam, segmentParam } from './package-name-param';

/** `GET /<name>/-/<file>.tgz`: the bytes of a version the view serves, streamed from the blob store (upstream versions: fetched on first request). */
@Injectable()
export class TarballRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = new RegExp(`^/${PACKAGE_NAME}/-/(?<file>[^/]+\\.tgz)$`);

  constructor(
    private readonly reader: PackageReader,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly upstreamTarballs: UpstreamTarballs,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const name = nameParam(params.name, 'read');
    const file = segmentParam(params.file);
    const version = versionOfTarballFile(name, file);
    const location = version === undefined ? null : await this.reader.tarballIn(request.view, name, version);
    if (!location) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `${name}/-/${file}`);
    if (location.blockedReason !== undefined) throw new RegistryHttpError('PAL_ERR_BLOCKED', `${name}@${version as string}: ${location.blockedReason}`);
    const etag = `"${location.integrity}"`;
    const immutable = { etag, 'cache-control': 'public, max-age=31536000, immutable' };
    if (request.headers['if-none-match'] === etag) return { status: 304, headers: immutable, raw: Readable.from([]) };
    if (location.upstreamTarballUrl) {
      const { body, size } = await this.upstreamTarballs.open(name, version as string, { ...location, upstreamTarballUrl: location.upstreamTarballUrl });
      return {
        status: 200,
        headers: { ...immutable, 'content-type': 'application/octet-stream', ...(size !== undefined ? { 'content-length': String(size) } : {}) },
        raw: body,
      };
    }
    const bytes = await this.blobs.get(location.blobKey);
    return {
      status: 200,
      headers: { ...immutable, 'content-type': 'application/octet-stream', 'content-length': String(location.size) },
      raw: bytes,
    };
  }
}

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
import { DownloadRecorder } from '../../downloads/download-recorder';
import { OnDemandJudgement } from '../../upstream/on-demand-judgement';
import { nameParam, segmentParam } from './package-name-param';

/**
 * `GET /<name>/-/<file>.tgz`: the bytes of a version the view serves, streamed from the blob store
 * (upstream versions: fetched on first request; one the view lists before judging it is judged
 * now, see `OnDemandJudgement`). 451 for a version a scan blocked, or a recall quarantines with
 * `block` in this view. Every 200 is recorded as a download (who, with which token).
 */
@Injectable()
export class TarballRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = new RegExp(`^/${PACKAGE_NAME}/-/(?<file>[^/]+\\.tgz)$`);

  constructor(
    private readonly reader: PackageReader,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly upstreamTarballs: UpstreamTarballs,
    private readonly downloads: DownloadRecorder,
    private readonly judgement: OnDemandJudgement,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const name = nameParam(params.name, 'read');
    const file = segmentParam(params.file);
    const version = versionOfTarballFile(name, file);
    const location = version === undefined ? null : ((await this.reader.tarballIn(request.view, name, version)) ?? (await this.judgement.admitted(request.view, name, version)));
    if (!location) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `${name}/-/${file}`);
    if (location.quarantine?.mode === 'block') {
      throw new RegistryHttpError('PAL_ERR_QUARANTINED', `${name}@${version as string} is quarantined in ${request.view}: ${location.quarantine.reason}`);
    }
    if (location.blockedReason !== undefined) throw new RegistryHttpError('PAL_ERR_BLOCKED', `${name}@${version as string}: ${location.blockedReason}`);
    const etag = `"${location.integrity}"`;
    // The bytes never change, but whether a view may serve them does (recall): shared caches keep
    // them and revalidate every time, which costs a 304 and lets a quarantine refuse at once.
    const cacheable = { etag, 'cache-control': 'public, no-cache' };
    if (request.headers['if-none-match'] === etag) return { status: 304, headers: cacheable, raw: Readable.from([]) };
    if (location.upstreamTarballUrl) {
      const { body, size } = await this.upstreamTarballs.open(name, version as string, { ...location, upstreamTarballUrl: location.upstreamTarballUrl });
      this.downloads.recordTarball(request, { name, version: version as string, integrity: location.integrity });
      return {
        status: 200,
        headers: { ...cacheable, 'content-type': 'application/octet-stream', ...(size !== undefined ? { 'content-length': String(size) } : {}) },
        raw: body,
      };
    }
    const bytes = await this.blobs.get(location.blobKey);
    this.downloads.recordTarball(request, { name, version: version as string, integrity: location.integrity });
    return {
      status: 200,
      headers: { ...cacheable, 'content-type': 'application/octet-stream', 'content-length': String(location.size) },
      raw: bytes,
    };
  }
}

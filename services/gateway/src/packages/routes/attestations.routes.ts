import { Inject, Injectable } from '@nestjs/common';
import { buffer } from 'node:stream/consumers';
import { BLOB_STORE } from '@palisade/platform';
import type { BlobStore } from '@palisade/storage';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { parseVersionSpec } from '../../http/version-spec';
import { PackageReader } from '../store/package-reader';

/** The stored bundle bytes of a version the view serves; 404 when it has none. */
async function storedBundle(reader: PackageReader, blobs: BlobStore, request: RegistryRequest, rawSpec: string | undefined): Promise<{ bytes: Buffer; predicateType: string }> {
  const spec = parseVersionSpec(rawSpec ?? '');
  const found = spec ? await reader.provenanceIn(request.view, spec.name, spec.version) : null;
  if (!spec || !found) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `attestations for ${rawSpec ?? ''}`);
  return { bytes: await buffer(await blobs.get(found.blobKey)), predicateType: found.predicateType };
}

const IMMUTABLE = 'public, max-age=300';

/**
 * `GET /-/npm/v1/attestations/<name>@<version>` (protocol §5.3): the publisher's provenance
 * bundle as npm's `audit signatures` reads it. The bundle is passed through as it was published.
 */
@Injectable()
export class NpmAttestationsRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/npm\/v1\/attestations\/(?<spec>.+)$/;

  constructor(
    private readonly reader: PackageReader,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const { bytes, predicateType } = await storedBundle(this.reader, this.blobs, request, params.spec);
    const bundle: unknown = JSON.parse(bytes.toString('utf8'));
    return { status: 200, headers: { 'cache-control': IMMUTABLE }, body: { attestations: [{ predicateType, bundle }] } };
  }
}

/** `GET /-/palisade/v1/provenance/<name>@<version>`: the bundle's exact bytes, as the publisher sent them. */
@Injectable()
export class ProvenanceBundleRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/provenance\/(?<spec>.+)$/;

  constructor(
    private readonly reader: PackageReader,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const { bytes } = await storedBundle(this.reader, this.blobs, request, params.spec);
    return { status: 200, headers: { 'cache-control': IMMUTABLE, 'content-type': 'application/json', 'content-length': String(bytes.length) }, raw: bytes };
  }
}

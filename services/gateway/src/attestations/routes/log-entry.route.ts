import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { RegistryHttpError } from '../../http/registry-errors';
import { SigningClient } from '../signing-client';

/**
 * `GET /-/palisade/v1/log/entries/<index>`: one leaf, `{ index, entry, leafHash }`. `entry` is the
 * leaf's JSON as an object; its exact bytes are what `leafHash` (base64 SHA-256(0x00 || bytes)) covers.
 */
@Injectable()
export class LogEntryRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/log\/entries\/(?<index>[^/]+)$/;

  constructor(private readonly signing: SigningClient) {}

  async handle(_request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    if (!/^(0|[1-9][0-9]{0,9})$/.test(params.index) || Number(params.index) > 0xffffffff) {
      throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'the entry index must be a non-negative integer');
    }
    const leaf = await this.signing.entry(Number(params.index));
    return {
      status: 200,
      headers: { 'cache-control': 'public, max-age=60' },
      body: { index: leaf.index, entry: JSON.parse(leaf.entry.toString('utf8')) as unknown, leafHash: leaf.leafHash.toString('base64') },
    };
  }
}

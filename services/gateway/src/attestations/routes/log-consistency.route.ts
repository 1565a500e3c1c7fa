import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { RegistryHttpError } from '../../http/registry-errors';
import { SigningClient } from '../signing-client';

const SIZE = /^(0|[1-9][0-9]{0,9})$/;
const MAX_SIZE = 0xffffffff;

/** `GET /-/palisade/v1/log/consistency?from=<n>&to=<m>`: RFC 9162 consistency proof, base64 hashes. */
@Injectable()
export class LogConsistencyRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/log\/consistency$/;

  constructor(private readonly signing: SigningClient) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const from = size(request.query.get('from'), 'from');
    const to = size(request.query.get('to'), 'to');
    const hashes = await this.signing.consistency(from, to);
    return {
      status: 200,
      headers: { 'cache-control': 'no-cache' },
      body: { from, to, hashes: hashes.map((h) => Buffer.from(h).toString('base64')) },
    };
  }
}

function size(value: string | null, name: string): number {
  if (value === null || !SIZE.test(value) || Number(value) > MAX_SIZE) {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `${name} must be a tree size (a non-negative integer)`);
  }
  return Number(value);
}

import { Injectable } from '@nestjs/common';
import { assertAuthenticated } from '../../accounts/permissions';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { parseVersionSpec } from '../../http/version-spec';
import { PromotionClient } from '../promotion-client';
import { statusJson } from '../promotion-json';

/** `GET /-/palisade/v1/status/<name>[@<version>]`: each version's state in every view, and why. */
@Injectable()
export class PromotionStatusRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/status\/(?<target>.+)$/;

  constructor(private readonly promotion: PromotionClient) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    assertAuthenticated(await request.principal(), 'log in to read promotion status');
    const { name, version } = target(params.target ?? '');
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: statusJson(await this.promotion.status(name, version)) };
  }
}

function target(raw: string): { name: string; version: string } {
  const spec = parseVersionSpec(raw);
  if (spec) return spec;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `malformed package name ${JSON.stringify(raw)}`);
  }
  if (!/^(?:@[^/@\s]+\/)?[^/@\s]+$/.test(name)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `expected <name> or <name>@<version>, got ${JSON.stringify(name)}`);
  return { name, version: '' };
}

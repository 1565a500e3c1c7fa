import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { assertAuthenticated } from '../permissions';
import { TokenStore } from '../store/token-store';
import { tokenView } from './token-view';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

function whole(value: string | null, fallback: number, min: number, max: number): number {
  const parsed = value === null || !/^\d{1,9}$/.test(value) ? fallback : Number(value);
  return Math.min(max, Math.max(min, parsed));
}

/** `npm token list`: the caller's unrevoked tokens, masked; npm follows `urls.next` until it is empty. */
@Injectable()
export class TokenListRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/npm\/v1\/tokens$/;

  constructor(private readonly tokens: TokenStore) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await request.principal();
    assertAuthenticated(principal);
    const perPage = whole(request.query.get('perPage'), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    const page = whole(request.query.get('page'), 0, 0, 1_000_000);
    const { tokens, total } = await this.tokens.listActive(principal.user, { limit: perPage, offset: page * perPage });
    const next = (page + 1) * perPage < total ? `${request.registryUrl}/-/npm/v1/tokens?page=${page + 1}&perPage=${perPage}` : '';
    return {
      status: 200,
      body: { objects: tokens.map((record) => tokenView(record)), total, urls: { next } },
      headers: { 'cache-control': 'no-store' },
    };
  }
}

import type { Principal } from '../../http/registry-request';
import { PrincipalCache } from './principal-cache';

const principal = (user: string, tokenId: string): Principal => ({ user, tokenId, readonly: false, admin: false });

describe('PrincipalCache', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000));

  it('keeps an identity for the TTL only', () => {
    const cache = new PrincipalCache(5_000, 100, now);
    cache.set('h1', { principal: principal('alice', 'k1'), cidrWhitelist: null });
    clock += 4_999;
    expect(cache.get('h1')?.principal.user).toBe('alice');
    clock += 1;
    expect(cache.get('h1')).toBeUndefined();
  });

  it('never outlives the token it caches', () => {
    const cache = new PrincipalCache(5_000, 100, now);
    cache.set('h1', { principal: principal('alice', 'k1'), cidrWhitelist: null }, clock + 1_000);
    clock += 1_000;
    expect(cache.get('h1')).toBeUndefined();
  });

  it('evicts by token and by user', () => {
    const cache = new PrincipalCache(5_000, 100, now);
    cache.set('h1', { principal: principal('alice', 'k1'), cidrWhitelist: null });
    cache.set('h2', { principal: principal('alice', 'k2'), cidrWhitelist: null });
    cache.set('h3', { principal: principal('bob', 'k3'), cidrWhitelist: null });
    cache.evictToken('k1');
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toBeDefined();
    cache.evictUser('alice');
    expect(cache.get('h2')).toBeUndefined();
    expect(cache.get('h3')).toBeDefined();
  });

  it('does not re-cache a token revoked while its lookup was in flight', () => {
    const cache = new PrincipalCache(5_000, 100, now);
    cache.evictToken('k1');
    cache.set('h1', { principal: principal('alice', 'k1'), cidrWhitelist: null });
    expect(cache.get('h1')).toBeUndefined();
    clock += 5_000;
    cache.set('h1', { principal: principal('alice', 'k1'), cidrWhitelist: null });
    expect(cache.get('h1')).toBeDefined();
  });

  it('stays bounded when full', () => {
    const cache = new PrincipalCache(5_000, 10, now);
    for (let i = 0; i < 25; i += 1) cache.set(`h${i}`, { principal: principal('u', `k${i}`), cidrWhitelist: null });
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get('h24')).toBeDefined();
  });
});

import type { Principal } from '../../http/registry-request';

export interface CachedIdentity {
  principal: Principal;
  /** The token's IPv4 whitelist, checked on every request, cached or not. */
  cidrWhitelist: readonly string[] | null;
}

interface Entry extends CachedIdentity {
  expiresAt: number;
}

/**
 * Recently resolved credentials, keyed by a hash of the Authorization header, so that an install
 * fetching hundreds of tarballs does not query the database (or run argon2) for each. Entries
 * live a few seconds at most; a revoke on this replica evicts at once, on others within the TTL.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  // Tokens revoked here within the TTL: a lookup that raced the revoke must not re-cache them.
  private readonly tombstones = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): CachedIdentity | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Keeps `identity` for the TTL, or until `notAfter` (a token's expiry) when that comes first. */
  set(key: string, identity: CachedIdentity, notAfter?: number): void {
    const tombstone = this.tombstones.get(identity.principal.tokenId);
    if (tombstone !== undefined && tombstone > this.now()) return;
    if (this.entries.size >= this.maxEntries) this.prune();
    const expiresAt = Math.min(this.now() + this.ttlMs, notAfter ?? Number.POSITIVE_INFINITY);
    this.entries.set(key, { ...identity, expiresAt });
  }

  /** Drops every entry of a token (after a revoke or logout). */
  evictToken(tokenId: string): void {
    const now = this.now();
    for (const [id, until] of this.tombstones) if (until <= now) this.tombstones.delete(id);
    this.tombstones.set(tokenId, now + this.ttlMs);
    for (const [key, entry] of this.entries) if (entry.principal.tokenId === tokenId) this.entries.delete(key);
  }

  /** Drops every entry of a user (after a password change or account removal). */
  evictUser(user: string): void {
    for (const [key, entry] of this.entries) if (entry.principal.user === user) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    // Still full of live entries: forget the oldest half rather than grow without bound.
    if (this.entries.size >= this.maxEntries) {
      let drop = Math.ceil(this.entries.size / 2);
      for (const key of this.entries.keys()) {
        if (drop-- <= 0) break;
        this.entries.delete(key);
      }
    }
  }
}

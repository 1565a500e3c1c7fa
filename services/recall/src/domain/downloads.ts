export interface DownloadSeen {
  name: string;
  version: string;
  view: string;
  principal: string;
  tokenId: string;
  userAgent: string;
  /** The first download the entry stands for. */
  at?: Date;
  /** How many downloads it stands for (default 1) and the last of them (default `at`). */
  count?: number;
  lastAt?: Date;
}

export interface DownloadTally {
  name: string;
  version: string;
  view: string;
  principal: string;
  tokenId: string;
  userAgent: string;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

const MAX_USER_AGENT = 256;

/**
 * One row per (name, version, view, principal, token, user agent) of a batch, with its count and
 * first and last time seen; an entry that stands for several downloads adds its count. Downloads
 * without a name, version or view are dropped; a missing principal is `anonymous`; a count below
 * 1 is 1; user agents are cut at 256 characters.
 */
export function aggregateDownloads(downloads: readonly DownloadSeen[], now: Date): DownloadTally[] {
  const tallies = new Map<string, DownloadTally>();
  for (const d of downloads) {
    if (!d.name || !d.version || !d.view) continue;
    const principal = d.principal || 'anonymous';
    const userAgent = d.userAgent.slice(0, MAX_USER_AGENT);
    const at = d.at ?? now;
    const lastAt = d.lastAt && d.lastAt > at ? d.lastAt : at;
    const count = Math.max(1, Math.floor(d.count ?? 1));
    const key = JSON.stringify([d.name, d.version, d.view, principal, d.tokenId, userAgent]);
    const seen = tallies.get(key);
    if (seen) {
      seen.count += count;
      if (at < seen.firstSeenAt) seen.firstSeenAt = at;
      if (lastAt > seen.lastSeenAt) seen.lastSeenAt = lastAt;
    } else {
      tallies.set(key, { name: d.name, version: d.version, view: d.view, principal, tokenId: d.tokenId, userAgent, count, firstSeenAt: at, lastSeenAt: lastAt });
    }
  }
  return [...tallies.values()];
}

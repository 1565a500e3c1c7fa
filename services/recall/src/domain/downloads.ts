import type { DownloadEntry } from '@palisade/contracts';

/** Who fetched which version in which view: the key of a row of the download index. */
export interface DownloadIdentity {
  name: string;
  version: string;
  view: string;
  principal: string;
  tokenId: string;
  userAgent: string;
}

/** Downloads of one version in one view by one identity (principal, token, user agent), as a batch adds them up. */
export interface DownloadTally extends DownloadIdentity {
  count: number;
  /** Milliseconds since the Unix epoch. */
  firstSeenAt: number;
  lastSeenAt: number;
}

const MAX_USER_AGENT = 256;

/**
 * One row per (name, version, view, principal, token, user agent) of a batch, with its count and
 * first and last time seen; entries of the same identity add up. Entries without a name, version
 * or view are dropped; a missing principal is `anonymous`; user agents are cut at 256 characters.
 */
export function aggregateDownloads(entries: readonly DownloadEntry[]): DownloadTally[] {
  const tallies = new Map<string, DownloadTally>();
  for (const e of entries) {
    if (!e.name || !e.version || !e.view) continue;
    const principal = e.principal || 'anonymous';
    const userAgent = e.userAgent.slice(0, MAX_USER_AGENT);
    const key = [e.name, e.version, e.view, principal, e.tokenId, userAgent].join('\0');
    const seen = tallies.get(key);
    if (seen) {
      seen.count += e.count;
      seen.firstSeenAt = Math.min(seen.firstSeenAt, e.firstAt);
      seen.lastSeenAt = Math.max(seen.lastSeenAt, e.lastAt);
    } else {
      tallies.set(key, { name: e.name, version: e.version, view: e.view, principal, tokenId: e.tokenId, userAgent, count: e.count, firstSeenAt: e.firstAt, lastSeenAt: Math.max(e.firstAt, e.lastAt) });
    }
  }
  return [...tallies.values()];
}

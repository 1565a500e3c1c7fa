import { highestPreferringStable } from './versions';

/**
 * Dist-tags as one view shows them. A tag pointing at a version the view does not serve is
 * dropped, except `latest`: clients resolve plain `npm install <name>` through it, so it falls back
 * to the highest stable admitted version (else the highest admitted one).
 */
export function viewDistTags(stored: Readonly<Record<string, string>>, visible: readonly string[]): Record<string, string> {
  const served = new Set(visible);
  const tags: Record<string, string> = {};
  const latest = stored.latest !== undefined && served.has(stored.latest) ? stored.latest : highestPreferringStable(visible);
  if (latest !== undefined) tags.latest = latest;
  for (const tag of Object.keys(stored).sort()) {
    if (tag !== 'latest' && served.has(stored[tag])) tags[tag] = stored[tag];
  }
  return tags;
}

import { VersionSource, timestampDate, type VersionIngested } from '@palisade/contracts';
import { integrityToKey } from '@palisade/storage';
import { PermanentError } from '@palisade/errors';
import { isRecord } from '../domain/json-shapes';
import type { IngestedVersion } from '../store/read-model-writer';

/** The read-model row of a `version.ingested` event; a malformed event is permanent (dead-lettered). */
export function toIngestedVersion(event: VersionIngested): IngestedVersion {
  const problems: string[] = [];
  if (!event.name) problems.push('name is empty');
  if (!event.version) problems.push('version is empty');
  // Upstream versions are recorded from the upstream packument; their bytes come on first request.
  const upstream = event.source === VersionSource.UPSTREAM;
  if (!event.tarball?.integrity || (!upstream && !event.tarball.key)) problems.push('tarball is missing');
  let manifest: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(event.manifestJson);
    if (isRecord(parsed)) manifest = parsed;
    else problems.push('manifest_json is not an object');
  } catch {
    problems.push('manifest_json is not JSON');
  }
  const dist = isRecord(manifest.dist) ? manifest.dist : {};
  if (upstream && typeof dist.tarball !== 'string') problems.push('an upstream version needs dist.tarball');
  if (problems.length > 0) throw new PermanentError('GATEWAY_EVENT_INVALID', `version.ingested ${event.name}@${event.version}: ${problems.join('; ')}`);
  const published = event.publishedAt ?? event.ingestedAt;
  return {
    name: event.name,
    version: event.version,
    manifestJson: event.manifestJson,
    integrity: event.tarball?.integrity ?? '',
    blobKey: event.tarball?.key || integrityToKey(event.tarball?.integrity ?? ''),
    size: event.tarball?.size ?? 0,
    publishedAt: published ? timestampDate(published) : new Date(),
    ...(event.publisher?.principal ? { publisher: event.publisher.principal } : {}),
    ...(event.distTag ? { distTag: event.distTag } : {}),
    ...(upstream ? { upstreamTarballUrl: dist.tarball as string } : {}),
    ...(event.provenanceBundle?.key ? { provenanceKey: event.provenanceBundle.key } : {}),
    ...(typeof manifest.description === 'string' ? { description: manifest.description } : {}),
    ...(Array.isArray(manifest.keywords) ? { keywords: manifest.keywords.filter((k) => typeof k === 'string').join(' ') } : {}),
  };
}

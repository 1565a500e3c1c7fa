import { timestampDate, type VersionIngested } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import { isRecord } from '../domain/json-shapes';
import type { IngestedVersion } from '../store/read-model-writer';

/** The read-model row of a `version.ingested` event; a malformed event is permanent (dead-lettered). */
export function toIngestedVersion(event: VersionIngested): IngestedVersion {
  const problems: string[] = [];
  if (!event.name) problems.push('name is empty');
  if (!event.version) problems.push('version is empty');
  if (!event.tarball?.key || !event.tarball.integrity) problems.push('tarball is missing');
  let manifest: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(event.manifestJson);
    if (isRecord(parsed)) manifest = parsed;
    else problems.push('manifest_json is not an object');
  } catch {
    problems.push('manifest_json is not JSON');
  }
  if (problems.length > 0) throw new PermanentError('GATEWAY_EVENT_INVALID', `version.ingested ${event.name}@${event.version}: ${problems.join('; ')}`);
  const published = event.publishedAt ?? event.ingestedAt;
  return {
    name: event.name,
    version: event.version,
    manifestJson: event.manifestJson,
    integrity: event.tarball?.integrity ?? '',
    blobKey: event.tarball?.key ?? '',
    size: event.tarball?.size ?? 0,
    publishedAt: published ? timestampDate(published) : new Date(),
    ...(event.publisher?.principal ? { publisher: event.publisher.principal } : {}),
    ...(event.distTag ? { distTag: event.distTag } : {}),
    ...(event.provenanceBundle?.key ? { provenanceKey: event.provenanceBundle.key } : {}),
    ...(typeof manifest.description === 'string' ? { description: manifest.description } : {}),
    ...(Array.isArray(manifest.keywords) ? { keywords: manifest.keywords.filter((k) => typeof k === 'string').join(' ') } : {}),
  };
}

import { RegistryHttpError } from '../../http/registry-errors';
import { isRecord, jsonEqual, type JsonRecord } from './json-shapes';
import type { Maintainer } from './package-record';
import { assertValidTag } from './publish-body';

/** The package as the client last read it from this view (`GET /<name>?write=true`). */
export interface ServedPackage {
  /** Served version objects by version (the full packument's `versions`). */
  versions: ReadonlyMap<string, JsonRecord>;
  distTags: Readonly<Record<string, string>>;
  maintainers: readonly Maintainer[];
}

/** What a metadata PUT asks for, relative to what the view served. */
export interface MetadataChanges {
  /** Version → new message; null clears the deprecation. */
  deprecations: Map<string, string | null>;
  /** Versions the body no longer lists: an unpublish (`npm unpublish <name>@<version>`). */
  removedVersions: string[];
  /** The new maintainer list, when it differs (`npm owner add|rm`). */
  maintainers?: Maintainer[];
  tagSets: Record<string, string>;
  tagDeletes: string[];
}

// Fields of a served version a client may send back changed without meaning anything by it:
// `dist` is ours (URLs follow the host the client used), the rest is gateway metadata.
const NOT_COMPARED = new Set(['deprecated', 'dist', 'maintainers', 'readme', 'readmeFilename']);

/**
 * Diffs a whole-packument PUT (deprecate, unpublish of a version, owner change) against what the
 * view served. Only deprecations, removals, maintainers and dist-tags may change; anything else
 * is refused with every problem listed, so the client learns all of it at once.
 */
export function diffMetadata(body: unknown, served: ServedPackage): MetadataChanges {
  if (!isRecord(body)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'the body must be a JSON object');
  const problems: string[] = [];
  const changes: MetadataChanges = { deprecations: new Map(), removedVersions: [], tagSets: {}, tagDeletes: [] };
  diffVersions(body.versions, served, changes, problems);
  diffMaintainers(body.maintainers, served, changes, problems);
  diffTags(body['dist-tags'], served, changes, problems);
  if (problems.length > 0) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', problems.join('; '));
  return changes;
}

function diffVersions(versions: unknown, served: ServedPackage, changes: MetadataChanges, problems: string[]): void {
  if (versions === undefined) return;
  if (!isRecord(versions)) {
    problems.push('versions must be an object');
    return;
  }
  for (const [version, sent] of Object.entries(versions)) {
    const current = served.versions.get(version);
    if (!current) {
      problems.push(`version ${version} does not exist here; versions are added with npm publish`);
      continue;
    }
    if (!isRecord(sent)) {
      problems.push(`versions["${version}"] must be an object`);
      continue;
    }
    const changed = Object.keys({ ...current, ...sent }).filter((key) => !NOT_COMPARED.has(key) && !jsonEqual(current[key], sent[key]));
    if (changed.length > 0) problems.push(`version ${version}: only "deprecated" can change after publishing (changed: ${changed.join(', ')})`);
    if (sent.deprecated !== undefined && typeof sent.deprecated !== 'string') {
      problems.push(`versions["${version}"].deprecated must be a string`);
    } else if (typeof sent.deprecated === 'string' && sent.deprecated !== (current.deprecated ?? '')) {
      // A missing field leaves the deprecation alone; `""` is how npm un-deprecates.
      changes.deprecations.set(version, sent.deprecated === '' ? null : sent.deprecated);
    }
  }
  changes.removedVersions = [...served.versions.keys()].filter((version) => !Object.prototype.hasOwnProperty.call(versions, version));
}

function diffMaintainers(maintainers: unknown, served: ServedPackage, changes: MetadataChanges, problems: string[]): void {
  if (maintainers === undefined) return;
  if (!Array.isArray(maintainers) || !maintainers.every((m) => isRecord(m) && typeof m.name === 'string' && m.name.length > 0)) {
    problems.push('maintainers must be a list of { name, email }');
    return;
  }
  const next: Maintainer[] = [];
  for (const m of maintainers as JsonRecord[]) {
    if (next.some((seen) => seen.name === m.name)) continue;
    next.push(typeof m.email === 'string' && m.email.length > 0 ? { name: m.name as string, email: m.email } : { name: m.name as string });
  }
  const names = (list: readonly Maintainer[]) => list.map((m) => m.name).sort().join('\n');
  if (names(next) !== names(served.maintainers)) changes.maintainers = next;
}

function diffTags(tags: unknown, served: ServedPackage, changes: MetadataChanges, problems: string[]): void {
  if (tags === undefined) return;
  if (!isRecord(tags) || !Object.values(tags).every((v) => typeof v === 'string')) {
    problems.push('dist-tags must map tags to versions');
    return;
  }
  const removed = new Set(changes.removedVersions);
  for (const [tag, version] of Object.entries(tags as Record<string, string>)) {
    // Unpublishing the `latest` version: the read model moves `latest` itself when the unpublish lands.
    if (tag === 'latest' && removed.has(served.distTags.latest)) continue;
    if (served.distTags[tag] === version) continue;
    try {
      assertValidTag(tag);
    } catch (e: unknown) {
      problems.push((e as Error).message);
      continue;
    }
    if (!served.versions.has(version) || removed.has(version)) {
      problems.push(`dist-tag ${tag} points at ${version}, which is not a version of this package`);
      continue;
    }
    changes.tagSets[tag] = version;
  }
  for (const [tag, version] of Object.entries(served.distTags)) {
    if (tag === 'latest' || Object.prototype.hasOwnProperty.call(tags, tag) || removed.has(version)) continue;
    changes.tagDeletes.push(tag);
  }
}

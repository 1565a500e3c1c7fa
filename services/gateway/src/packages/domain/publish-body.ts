import * as semver from 'semver';
import * as ssri from 'ssri';
import { RegistryHttpError } from '../../http/registry-errors';
import { isRecord, type JsonRecord } from './json-shapes';

/** What `npm publish` sends, checked for shape (ingest checks the content). */
export interface PublishSubmission {
  version: string;
  /** The version object exactly as sent. */
  manifest: JsonRecord;
  tarballBase64: string;
  /** `length` the client declared for the tarball attachment. */
  declaredLength: number;
  distTag: string;
  /** `npm publish --provenance`: the Sigstore bundle, a JSON string (not base64). */
  provenanceBundle?: string;
}

/** A PUT of a packument is a publish when it carries attachments (protocol §2.1). */
export function isPublishBody(body: unknown): boolean {
  return isRecord(body) && isRecord(body._attachments) && Object.keys(body._attachments).length > 0;
}

export function parsePublishBody(name: string, body: unknown): PublishSubmission {
  const bad = (detail: string) => new RegistryHttpError('PAL_ERR_BAD_REQUEST', detail);
  if (!isRecord(body)) throw bad('the publish body must be a JSON object');
  if (body.name !== undefined && body.name !== name) throw bad(`the body names ${String(body.name)}, the URL ${name}`);
  if (!isRecord(body.versions)) throw bad('the publish body has no versions');
  const versions = Object.keys(body.versions);
  if (versions.length !== 1) throw bad(`a publish carries exactly one version (got ${versions.length})`);
  const [version] = versions;
  const manifest = body.versions[version];
  if (!isRecord(manifest)) throw bad(`versions["${version}"] must be an object`);
  if (manifest.name !== name || manifest.version !== version) {
    throw bad(`versions["${version}"] must have name ${name} and version ${version}`);
  }
  const attachments = body._attachments;
  if (!isRecord(attachments)) throw bad('the publish body has no _attachments');
  const tarballKey = `${name}-${version}.tgz`;
  const tarballs = Object.keys(attachments).filter((key) => key.endsWith('.tgz'));
  if (tarballs.length !== 1 || tarballs[0] !== tarballKey) throw bad(`expected exactly one attachment ${tarballKey}`);
  const tarball = attachments[tarballKey];
  if (!isRecord(tarball) || typeof tarball.data !== 'string' || tarball.data.length === 0) throw bad(`attachment ${tarballKey} has no data`);
  if (typeof tarball.length !== 'number' || !Number.isSafeInteger(tarball.length) || tarball.length <= 0) {
    throw bad(`attachment ${tarballKey} must declare its length`);
  }
  assertSha512Integrity(manifest, `${name}@${version}`);
  // The readme shown is the tarball's (ingest reads it from the package), so the client's copy,
  // which may be any size, is not forwarded.
  const { readme: _readme, readmeFilename: _readmeFilename, ...forwarded } = manifest;
  const submission: PublishSubmission = {
    version,
    manifest: forwarded,
    tarballBase64: tarball.data,
    declaredLength: tarball.length,
    distTag: distTagOf(body['dist-tags'], version),
  };
  const sigstore = attachments[`${name}-${version}.sigstore`];
  if (sigstore !== undefined) {
    if (!isRecord(sigstore) || typeof sigstore.data !== 'string' || sigstore.data.length === 0) throw bad(`attachment ${name}-${version}.sigstore has no data`);
    submission.provenanceBundle = sigstore.data;
  }
  return submission;
}

/**
 * libnpmpublish sends `{ "<tag>": "<version>" }`; a tag that is a version range would shadow ranges,
 * and a tag may only point at the version this publish carries.
 */
function distTagOf(distTags: unknown, version: string): string {
  if (distTags === undefined) return 'latest';
  if (!isRecord(distTags)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'dist-tags must be an object');
  for (const [tag, target] of Object.entries(distTags)) {
    assertValidTag(tag);
    if (target !== version) {
      throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `dist-tag ${tag} points at ${JSON.stringify(target)}, which is not the version this publish carries (${version})`);
    }
  }
  return Object.keys(distTags).find((t) => distTags[t] === version) ?? 'latest';
}

/** Names an object key can never safely take: Object.prototype's own (`__proto__`, `constructor`...) and `prototype`. */
const RESERVED_TAGS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** npm refuses tags that parse as version ranges (`1.x`, `^2`): `npm install pkg@<tag>` would be ambiguous. */
export function assertValidTag(tag: string): void {
  if (RESERVED_TAGS.has(tag)) {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `invalid dist-tag ${JSON.stringify(tag)}: the name is reserved`);
  }
  if (tag.length === 0 || tag.length > 128 || encodeURIComponent(tag) !== tag || semver.validRange(tag) !== null) {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `invalid dist-tag ${JSON.stringify(tag)}: use a word that is not a version range`);
  }
}

/** Every publish names its bytes with a sha512 `dist.integrity` (npm 5+ always does); a sha1 `shasum` alone is not enough. */
function assertSha512Integrity(manifest: JsonRecord, spec: string): void {
  const dist = manifest.dist;
  const integrity = isRecord(dist) ? dist.integrity : undefined;
  const parsed = typeof integrity === 'string' ? (ssri.parse(integrity, { strict: false }) as ssri.IntegrityMap | null) : null;
  if (!parsed || !Array.isArray(parsed.sha512) || parsed.sha512.length === 0) {
    throw new RegistryHttpError('PAL_ERR_INVALID_PACKAGE', `${spec} must carry dist.integrity with a sha512 hash of the tarball (a sha1 shasum alone is not accepted)`);
  }
}

import * as semver from 'semver';
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
  const submission: PublishSubmission = {
    version,
    manifest,
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

/** libnpmpublish sends `{ "<tag>": "<version>" }`; a tag that is a version range would shadow ranges. */
function distTagOf(distTags: unknown, version: string): string {
  if (distTags === undefined) return 'latest';
  if (!isRecord(distTags)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'dist-tags must be an object');
  const tag = Object.keys(distTags).find((t) => distTags[t] === version) ?? 'latest';
  assertValidTag(tag);
  return tag;
}

/** npm refuses tags that parse as version ranges (`1.x`, `^2`): `npm install pkg@<tag>` would be ambiguous. */
export function assertValidTag(tag: string): void {
  if (tag.length === 0 || tag.length > 128 || encodeURIComponent(tag) !== tag || semver.validRange(tag) !== null) {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `invalid dist-tag ${JSON.stringify(tag)}: use a word that is not a version range`);
  }
}

import type { TarballInspection } from '@palisade/npm-tarball';
import type { Manifest } from './published-manifest';
import type { TarballDigests } from './tarball-digests';

// Client metadata worth keeping; every other `_` field is the registry's to set.
const CLIENT_UNDERSCORE_FIELDS: ReadonlySet<string> = new Set(['_nodeVersion', '_npmVersion']);

export interface RecordedManifestInput {
  readonly manifest: Manifest;
  readonly name: string;
  readonly version: string;
  readonly digests: TarballDigests;
  readonly inspection: TarballInspection;
  readonly publisherPrincipal?: string;
}

/**
 * The version object as the registry records and serves it (`versions[<version>]`): the published
 * manifest, with every field that describes the bytes computed here rather than taken from the
 * client: `dist` (tarball URL excepted: it depends on the view and host serving it),
 * `hasInstallScript`, `_hasShrinkwrap`, `_id`, `_npmUser`, and `readme` (from the tarball's README).
 */
export function buildRecordedManifest(input: RecordedManifestInput): Manifest {
  const { manifest, name, version, digests, inspection } = input;
  const recorded: Manifest = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (key.startsWith('_') && !CLIENT_UNDERSCORE_FIELDS.has(key)) continue;
    if (key === 'hasInstallScript' || key === 'dist' || key === 'readme' || key === 'readmeFilename') continue;
    recorded[key] = value;
  }
  recorded._id = `${name}@${version}`;
  if (input.publisherPrincipal) recorded._npmUser = { name: input.publisherPrincipal };
  recorded._hasShrinkwrap = inspection.hasShrinkwrap;
  if (inspection.hasInstallScript) recorded.hasInstallScript = true;
  recorded.dist = { integrity: digests.integrity, shasum: digests.shasum, fileCount: inspection.fileCount, unpackedSize: inspection.unpackedSize };
  // The readme is the tarball's README (capped at 64 KiB by the inspection), never the client's
  // `readme` field: what the registry shows must be what the package holds.
  if (inspection.readme) {
    recorded.readme = inspection.readme.text;
    recorded.readmeFilename = inspection.readme.filename;
  }
  return recorded;
}

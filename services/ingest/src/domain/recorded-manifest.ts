import { README_MAX_BYTES, type TarballInspection } from '@palisade/npm-tarball';
import type { Manifest } from './published-manifest';
import type { TarballDigests } from './tarball-digests';

// What npm's prepare step writes when a package has no readme.
const NO_README = 'ERROR: No README data found!';
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
 * `hasInstallScript`, `_hasShrinkwrap`, `_id` and `_npmUser`.
 */
export function buildRecordedManifest(input: RecordedManifestInput): Manifest {
  const { manifest, name, version, digests, inspection } = input;
  const recorded: Manifest = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (key.startsWith('_') && !CLIENT_UNDERSCORE_FIELDS.has(key)) continue;
    if (key === 'hasInstallScript' || key === 'dist') continue;
    recorded[key] = value;
  }
  recorded._id = `${name}@${version}`;
  if (input.publisherPrincipal) recorded._npmUser = { name: input.publisherPrincipal };
  recorded._hasShrinkwrap = inspection.hasShrinkwrap;
  if (inspection.hasInstallScript) recorded.hasInstallScript = true;
  recorded.dist = { integrity: digests.integrity, shasum: digests.shasum, fileCount: inspection.fileCount, unpackedSize: inspection.unpackedSize };
  const clientReadme = typeof manifest.readme === 'string' && manifest.readme !== '' && manifest.readme !== NO_README ? manifest.readme : undefined;
  if (clientReadme !== undefined) {
    recorded.readme = truncate(clientReadme);
  } else if (inspection.readme) {
    recorded.readme = inspection.readme.text;
    recorded.readmeFilename = inspection.readme.filename;
  }
  return recorded;
}

/** Readmes only display; capping them keeps every version object small enough to ride in an event. */
function truncate(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= README_MAX_BYTES ? text : bytes.subarray(0, README_MAX_BYTES).toString('utf8');
}

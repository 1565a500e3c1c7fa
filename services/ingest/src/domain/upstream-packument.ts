import * as semver from 'semver';
import * as ssri from 'ssri';
import { README_MAX_BYTES, validateVersion } from '@palisade/npm-tarball';
import type { UpstreamSignature } from '@palisade/upstream';

/** One version as the upstream lists it, reduced to what Palisade records. */
export interface UpstreamVersion {
  version: string;
  /** The sha512 SRI of the tarball (`sha512-…`): what Palisade verifies, signs and serves. */
  integrity: string;
  shasum: string;
  /** The version object to record (dist without signatures; `dist.tarball` is the upstream URL). */
  manifest: Record<string, unknown>;
  signatures: UpstreamSignature[];
  /** `time[version]`, or undefined when the upstream gives none. */
  publishedAt?: Date;
  tarballUrl: string;
}

export interface UpstreamPackument {
  /** Every version key the upstream lists, usable or not (removal is judged on these). */
  listed: string[];
  versions: UpstreamVersion[];
  /** The upstream's `latest` dist-tag, when it names a listed version. */
  latest?: string;
  /** Every upstream dist-tag that names a usable version. */
  distTags: Record<string, string>;
  /** Versions left out, one line each (no sha512 integrity, wrong name, too large…). */
  skipped: string[];
}

const KEPT_UNDERSCORE_FIELDS: ReadonlySet<string> = new Set(['_nodeVersion', '_npmVersion', '_npmUser', '_hasShrinkwrap']);

/** A tag npm could have set: not empty, not a valid semver range (npm refuses those), no slash or space. */
function validateTag(tag: string): boolean {
  return tag.length > 0 && tag.length <= 128 && !/[\s/%]/.test(tag) && semver.validRange(tag) === null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The sha512 entry of an SRI string, re-serialised alone; undefined without one. */
function sha512Of(integrity: unknown): string | undefined {
  if (typeof integrity !== 'string') return undefined;
  const hashes = ssri.parse(integrity, { single: false }) as unknown as Record<string, Array<{ digest: string }>> | null;
  const digest = hashes?.sha512?.[0]?.digest;
  return digest ? `sha512-${digest}` : undefined;
}

function signaturesOf(dist: Record<string, unknown>): UpstreamSignature[] {
  if (!Array.isArray(dist.signatures)) return [];
  return dist.signatures.filter((s): s is UpstreamSignature => isObject(s) && typeof s.keyid === 'string' && typeof s.sig === 'string').map((s) => ({ keyid: s.keyid, sig: s.sig }));
}

function recordedManifest(raw: Record<string, unknown>, name: string, version: string, dist: Record<string, unknown>, integrity: string): Record<string, unknown> {
  const manifest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('_') && !KEPT_UNDERSCORE_FIELDS.has(key)) continue;
    if (key === 'dist') continue;
    manifest[key] = value;
  }
  manifest._id = `${name}@${version}`;
  const recordedDist: Record<string, unknown> = { integrity, shasum: dist.shasum, tarball: dist.tarball };
  if (typeof dist.fileCount === 'number') recordedDist.fileCount = dist.fileCount;
  if (typeof dist.unpackedSize === 'number') recordedDist.unpackedSize = dist.unpackedSize;
  manifest.dist = recordedDist;
  if (typeof manifest.readme === 'string' && Buffer.byteLength(manifest.readme) > README_MAX_BYTES) {
    manifest.readme = Buffer.from(manifest.readme).subarray(0, README_MAX_BYTES).toString('utf8');
  }
  return manifest;
}

/**
 * Reads an upstream packument. Nothing in it is trusted: a version is kept only when it is a
 * valid version of this very package with a sha512 integrity, a shasum and a tarball URL, and
 * when its recorded manifest fits in `maxManifestBytes` (readme dropped first).
 */
export function parseUpstreamPackument(name: string, body: Record<string, unknown>, maxManifestBytes: number): UpstreamPackument {
  if (body.name !== name) throw new Error(`the upstream answered for ${JSON.stringify(body.name)} instead of ${name}`);
  const listed = isObject(body.versions) ? body.versions : {};
  const times = isObject(body.time) ? body.time : {};
  const versions: UpstreamVersion[] = [];
  const skipped: string[] = [];
  for (const [version, raw] of Object.entries(listed)) {
    const problem = (why: string) => skipped.push(`${name}@${version}: ${why}`);
    if (validateVersion(version).length > 0) {
      problem('not a valid version');
      continue;
    }
    if (!isObject(raw) || raw.name !== name || raw.version !== version) {
      problem('its manifest names another package or version');
      continue;
    }
    const dist = isObject(raw.dist) ? raw.dist : {};
    const integrity = sha512Of(dist.integrity);
    if (!integrity) {
      problem('no sha512 integrity (only sha1-era metadata), so its bytes cannot be verified');
      continue;
    }
    if (typeof dist.shasum !== 'string' || typeof dist.tarball !== 'string') {
      problem('no shasum or tarball URL');
      continue;
    }
    const manifest = recordedManifest(raw, name, version, dist, integrity);
    if (Buffer.byteLength(JSON.stringify(manifest)) > maxManifestBytes) delete manifest.readme;
    if (Buffer.byteLength(JSON.stringify(manifest)) > maxManifestBytes) {
      problem(`its manifest is larger than ${maxManifestBytes} bytes`);
      continue;
    }
    const time = typeof times[version] === 'string' ? new Date(times[version]) : undefined;
    versions.push({
      version,
      integrity,
      shasum: dist.shasum.toLowerCase(),
      manifest,
      signatures: signaturesOf(dist),
      ...(time && !Number.isNaN(time.getTime()) ? { publishedAt: time } : {}),
      tarballUrl: dist.tarball,
    });
  }
  const tags = isObject(body['dist-tags']) ? body['dist-tags'] : {};
  const usable = new Set(versions.map((v) => v.version));
  const distTags: Record<string, string> = {};
  for (const [tag, version] of Object.entries(tags)) if (typeof version === 'string' && usable.has(version) && validateTag(tag)) distTags[tag] = version;
  const latest = distTags.latest;
  return { listed: Object.keys(listed), versions, ...(latest ? { latest } : {}), distTags, skipped };
}

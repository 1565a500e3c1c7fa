import { createHash } from 'node:crypto';
import type { PackageRecord, VersionRecord } from './package-record';
import { attestationsUrl } from './provenance';
import { tarballUrl } from './tarball-file';
import { viewDistTags } from './view-dist-tags';
import { visibleVersions } from './versions';

export type JsonObject = Record<string, unknown>;

/** `full` for `application/json`, `abbreviated` for the corgi (`application/vnd.npm.install-v1+json`). */
export type Representation = 'full' | 'abbreviated';

const README_LIMIT = 64 * 1024;

/** Top-level fields of a full packument copied from the latest served version (besides `description`). */
const FROM_LATEST = ['license', 'repository', 'homepage', 'keywords', 'author', 'bugs'] as const;

/** Version fields kept in the abbreviated packument (npm registry allow-list, plus `libc`). */
const ABBREVIATED_FIELDS = [
  'name',
  'version',
  'deprecated',
  'dependencies',
  'acceptDependencies',
  'optionalDependencies',
  'devDependencies',
  'bundleDependencies',
  'bundledDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bin',
  'directories',
  'engines',
  '_hasShrinkwrap',
  'funding',
  'cpu',
  'os',
  'libc',
] as const;

/** npm's `_rev` shape (`<n>-<hex>`); opaque to clients, which only send it back. */
export function packageRev(name: string, revision: number): string {
  return `${revision}-${createHash('sha256').update(`${name}\0${revision}`).digest('hex').slice(0, 32)}`;
}

/**
 * The view's packument, or null when the view serves no version of the package (see
 * `visibleVersions` for `listsUnjudged`), or lists unjudged versions and the package's listing has
 * not arrived yet.
 */
export function renderPackument(record: PackageRecord, view: string, registryUrl: string, representation: Representation, listsUnjudged = false): JsonObject | null {
  if (listsUnjudged && record.awaitingListing) return null;
  const visible = visibleVersions(record, view, listsUnjudged);
  if (visible.length === 0) return null;
  return representation === 'full' ? renderFull(record, view, visible, registryUrl) : renderAbbreviated(record, view, visible, registryUrl);
}

function renderFull(record: PackageRecord, view: string, visible: readonly VersionRecord[], registryUrl: string): JsonObject {
  const distTags = viewDistTags(record.distTags, visible.map((v) => v.version));
  const latest = visible.find((v) => v.version === distTags.latest) ?? visible[visible.length - 1];
  const versions: JsonObject = {};
  for (const v of visible) versions[v.version] = fullVersion(record, view, v, registryUrl);
  const doc: JsonObject = {
    _id: record.name,
    _rev: packageRev(record.name, record.revision),
    name: record.name,
  };
  if (latest.manifest.description !== undefined) doc.description = latest.manifest.description;
  doc['dist-tags'] = distTags;
  doc.versions = versions;
  doc.time = timeOf(record, visible);
  doc.maintainers = maintainersOf(record);
  const readme = latest.manifest.readme;
  doc.readme = typeof readme === 'string' ? readme.slice(0, README_LIMIT) : '';
  if (typeof latest.manifest.readmeFilename === 'string') doc.readmeFilename = latest.manifest.readmeFilename;
  for (const field of FROM_LATEST) if (latest.manifest[field] !== undefined) doc[field] = latest.manifest[field];
  doc.users = {};
  return doc;
}

function renderAbbreviated(record: PackageRecord, view: string, visible: readonly VersionRecord[], registryUrl: string): JsonObject {
  const versions: JsonObject = {};
  for (const v of visible) versions[v.version] = abbreviatedVersion(record, view, v, registryUrl);
  return {
    name: record.name,
    modified: record.modifiedAt.toISOString(),
    'dist-tags': viewDistTags(record.distTags, visible.map((v) => v.version)),
    versions,
    // Not in npm's corgi, but pnpm and yarn use `time` when it is there, and npm ignores it.
    time: timeOf(record, visible),
  };
}

/** The full version object as `view` serves it: the recorded manifest with the served `dist`, maintainers and deprecation. */
export function fullVersion(record: PackageRecord, view: string, v: VersionRecord, registryUrl: string): JsonObject {
  // Readmes live at the top level only: per-version copies would multiply the document's size.
  const { readme: _readme, readmeFilename: _readmeFilename, deprecated: _deprecated, ...manifest } = v.manifest;
  const out: JsonObject = { ...manifest, name: record.name, version: v.version };
  if (out._id === undefined) out._id = `${record.name}@${v.version}`;
  if (out._npmUser === undefined && v.publisher) out._npmUser = { name: v.publisher };
  out.maintainers = maintainersOf(record);
  out.dist = distOf(record.name, v, registryUrl);
  const deprecated = deprecationOf(v, view);
  if (deprecated) out.deprecated = deprecated;
  return out;
}

function abbreviatedVersion(record: PackageRecord, view: string, v: VersionRecord, registryUrl: string): JsonObject {
  const out: JsonObject = {};
  for (const field of ABBREVIATED_FIELDS) if (v.manifest[field] !== undefined) out[field] = v.manifest[field];
  out.name = record.name;
  out.version = v.version;
  out.dist = distOf(record.name, v, registryUrl);
  if (hasInstallScript(v.manifest)) out.hasInstallScript = true;
  const deprecated = deprecationOf(v, view);
  if (deprecated) out.deprecated = deprecated;
  else delete out.deprecated;
  return out;
}

/**
 * What every npm client prints at install: a recall's warn quarantine in this view first (it names
 * the case), else a maintainer's deprecation (for an upstream version, the upstream's), else a
 * warn verdict's reason.
 */
function deprecationOf(v: VersionRecord, view: string): string | undefined {
  const quarantine = v.quarantines?.get(view);
  if (quarantine?.mode === 'warn') return quarantine.reason;
  const upstream = v.fromUpstream && typeof v.manifest.deprecated === 'string' && v.manifest.deprecated !== '' ? v.manifest.deprecated : undefined;
  return v.deprecated ?? upstream ?? (v.verdict === 'warn' ? v.verdictReason : undefined);
}

function distOf(name: string, v: VersionRecord, registryUrl: string): JsonObject {
  const recorded = v.manifest.dist;
  const dist: JsonObject = recorded !== null && typeof recorded === 'object' ? { ...(recorded as JsonObject) } : {};
  // Never the client's URL: the tarball is served by the view the client addressed.
  dist.tarball = tarballUrl(registryUrl, name, v.version);
  dist.integrity = v.integrity;
  // Only the registry's own signatures: a publisher's manifest must not smuggle any in.
  delete dist.signatures;
  if (v.signatures && v.signatures.length > 0) dist.signatures = v.signatures.map((g) => ({ keyid: g.keyid, sig: g.sig }));
  // Likewise attestations: only when this registry serves a bundle it checked (a 404 there fails npm's audit).
  delete dist.attestations;
  if (v.provenancePredicateType) dist.attestations = { url: attestationsUrl(registryUrl, name, v.version), provenance: { predicateType: v.provenancePredicateType } };
  return dist;
}

/** npm's rule: lifecycle scripts that run at install, or a native build (binding.gyp). */
export function hasInstallScript(manifest: Readonly<Record<string, unknown>>): boolean {
  if (manifest.hasInstallScript === true || manifest.gypfile === true) return true;
  const scripts = manifest.scripts;
  if (scripts === null || typeof scripts !== 'object') return false;
  return ['preinstall', 'install', 'postinstall'].some((hook) => typeof (scripts as JsonObject)[hook] === 'string');
}

function timeOf(record: PackageRecord, visible: readonly VersionRecord[]): JsonObject {
  const time: JsonObject = { created: record.createdAt.toISOString(), modified: record.modifiedAt.toISOString() };
  for (const v of visible) time[v.version] = v.publishedAt.toISOString();
  return time;
}

function maintainersOf(record: PackageRecord): JsonObject[] {
  return record.maintainers.map((m) => (m.email ? { name: m.name, email: m.email } : { name: m.name }));
}

import { contentStats, type StoredVersion } from './package-builder';
import type { StoredPackage } from './package-store';
import type { FixtureSigner } from './signer';

export interface PackumentContext {
  /** Registry base URL without the trailing slash. */
  baseUrl: string;
  signer: FixtureSigner;
  signaturesStripped: boolean;
}

const MAINTAINERS = [{ name: 'fixture', email: 'fixture@example.invalid' }];

// The version fields the abbreviated ("corgi") document keeps, as the public registry does.
const ABBREVIATED_FIELDS = [
  'name',
  'version',
  'deprecated',
  'dependencies',
  'acceptDependencies',
  'optionalDependencies',
  'devDependencies',
  'bundleDependencies',
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
  'dist',
];

export function tarballUrl(baseUrl: string, name: string, stored: StoredVersion): string {
  return `${baseUrl}/${name}/-/${stored.file}`;
}

function dist(pkg: StoredPackage, stored: StoredVersion, ctx: PackumentContext): Record<string, unknown> {
  const out: Record<string, unknown> = {
    integrity: stored.integrity,
    shasum: stored.shasum,
    tarball: tarballUrl(ctx.baseUrl, pkg.name, stored),
    ...contentStats(stored.files),
  };
  if (!ctx.signaturesStripped) {
    // A corrupt signature is a real one over another message, by the listed key: it parses and fails to verify.
    const signed = stored.corruptSignature ? `${stored.integrity}#corrupted` : stored.integrity;
    out.signatures = [ctx.signer.sign(pkg.name, stored.version, signed)];
  }
  return out;
}

function fullVersion(pkg: StoredPackage, stored: StoredVersion, ctx: PackumentContext): Record<string, unknown> {
  return {
    ...stored.manifest,
    ...(stored.deprecated === undefined ? {} : { deprecated: stored.deprecated }),
    _id: `${pkg.name}@${stored.version}`,
    _npmUser: MAINTAINERS[0],
    maintainers: MAINTAINERS,
    dist: dist(pkg, stored, ctx),
  };
}

function abbreviatedVersion(full: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ABBREVIATED_FIELDS) if (full[field] !== undefined) out[field] = full[field];
  const scripts = (full.scripts ?? {}) as Record<string, unknown>;
  if (scripts.preinstall || scripts.install || scripts.postinstall) out.hasInstallScript = true;
  return out;
}

function modifiedOf(pkg: StoredPackage): Date {
  const times = [...pkg.times.values(), ...(pkg.changedAt ? [pkg.changedAt] : [])];
  return new Date(Math.max(...times.map((t) => t.getTime())));
}

function timeOf(pkg: StoredPackage): Record<string, string> {
  const created = new Date(Math.min(...[...pkg.times.values()].map((t) => t.getTime())));
  const time: Record<string, string> = { created: created.toISOString(), modified: modifiedOf(pkg).toISOString() };
  for (const [version, at] of pkg.times) time[version] = at.toISOString();
  return time;
}

export function fullPackument(pkg: StoredPackage, ctx: PackumentContext): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const stored of pkg.versions.values()) versions[stored.version] = fullVersion(pkg, stored, ctx);
  const latest = pkg.distTags.latest === undefined ? undefined : pkg.versions.get(pkg.distTags.latest);
  return {
    _id: pkg.name,
    name: pkg.name,
    description: latest?.manifest.description,
    'dist-tags': pkg.distTags,
    versions,
    time: timeOf(pkg),
    maintainers: MAINTAINERS,
    license: latest?.manifest.license,
    readme: '',
  };
}

export function abbreviatedPackument(pkg: StoredPackage, ctx: PackumentContext): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const stored of pkg.versions.values()) versions[stored.version] = abbreviatedVersion(fullVersion(pkg, stored, ctx));
  return { name: pkg.name, modified: modifiedOf(pkg).toISOString(), 'dist-tags': pkg.distTags, versions };
}

import { createHash, randomBytes } from 'node:crypto';
import * as semver from 'semver';
import { TestingError } from '../errors';
import { integrityOf, makeTarball } from '../npm/publish-body';
import type { FixtureVersionSpec } from './types';

/** A version as the fixture holds it: its manifest, the tarball the packument describes, and test switches. */
export interface StoredVersion {
  readonly version: string;
  /** The package.json fields the packument serves for this version. */
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly deprecated?: string;
  readonly publishedAt: Date;
  /** `<name without scope>-<version>.tgz` */
  readonly file: string;
  files: Record<string, string | Buffer>;
  tarball: Buffer;
  integrity: string;
  shasum: string;
  /** Served instead of `tarball` while set (`serveWrongBytes`). */
  wrongBytes?: Buffer;
  corruptSignature: boolean;
}

// npm's rule for new package names: lower case, URL-safe, optionally scoped.
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function assertPackageName(name: string): void {
  if (name.length > 214 || !PACKAGE_NAME.test(name)) throw new TestingError('TESTING_FIXTURE_INVALID', `not a valid package name: ${JSON.stringify(name)}`);
}

export function tarballFileName(name: string, version: string): string {
  return `${name.slice(name.indexOf('/') + 1)}-${version}.tgz`;
}

function manifestOf(name: string, spec: FixtureVersionSpec): Record<string, unknown> {
  const manifest: Record<string, unknown> = { description: `fixture package ${name}`, license: 'MIT', ...spec.manifest, name, version: spec.version };
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'scripts'] as const) {
    if (spec[field] !== undefined) manifest[field] = spec[field];
  }
  return manifest;
}

function pack(files: Readonly<Record<string, string | Buffer>>): { tarball: Buffer; integrity: string; shasum: string } {
  const tarball = makeTarball(Object.entries(files).map(([path, content]) => ({ path: `package/${path}`, content })));
  return { tarball, integrity: integrityOf(tarball), shasum: createHash('sha1').update(tarball).digest('hex') };
}

/** A real gzip tarball for the version, with the integrity and shasum of its bytes. */
export function buildVersion(name: string, spec: FixtureVersionSpec): StoredVersion {
  if (semver.valid(spec.version) !== spec.version) throw new TestingError('TESTING_FIXTURE_INVALID', `not a valid version of ${name}: ${JSON.stringify(spec.version)}`);
  const manifest = manifestOf(name, spec);
  const files: Record<string, string | Buffer> = {
    'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
    ...(spec.files ?? { 'index.js': `module.exports = ${JSON.stringify(`${name}@${spec.version}`)};\n` }),
  };
  return {
    version: spec.version,
    manifest,
    deprecated: spec.deprecated,
    publishedAt: spec.publishedAt ?? new Date(),
    file: tarballFileName(name, spec.version),
    files,
    ...pack(files),
    corruptSignature: false,
  };
}

/** The version's files plus one random one: a valid tarball whose bytes differ from every earlier one. */
export function alteredTarball(stored: StoredVersion): { files: Record<string, string | Buffer>; tarball: Buffer; integrity: string; shasum: string } {
  const files = { ...stored.files, 'altered.js': `// ${randomBytes(16).toString('hex')}\n` };
  return { files, ...pack(files) };
}

/** File count and unpacked size, as the registry reports them in `dist`. */
export function contentStats(files: Readonly<Record<string, string | Buffer>>): { fileCount: number; unpackedSize: number } {
  const sizes = Object.values(files).map((content) => (typeof content === 'string' ? Buffer.byteLength(content) : content.length));
  return { fileCount: sizes.length, unpackedSize: sizes.reduce((a, b) => a + b, 0) };
}

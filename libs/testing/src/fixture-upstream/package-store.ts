import * as semver from 'semver';
import { TestingError } from '../errors';
import { alteredTarball, assertPackageName, buildVersion, type StoredVersion } from './package-builder';
import type { FixturePackageSpec } from './types';

export interface StoredPackage {
  readonly name: string;
  readonly versions: Map<string, StoredVersion>;
  distTags: Record<string, string>;
  /** Publish times, kept for removed versions too (the public registry keeps them). */
  readonly times: Map<string, Date>;
  /** Last change that was not a publish (removal, new bytes). */
  changedAt?: Date;
}

function highestVersion(versions: Iterable<string>): string | undefined {
  const sorted = semver.rsort([...versions]);
  return sorted.find((v) => semver.prerelease(v) === null) ?? sorted[0];
}

/** The fixture's packages and the changes tests make to them. */
export class PackageStore {
  private readonly packages = new Map<string, StoredPackage>();

  get(name: string): StoredPackage | undefined {
    return this.packages.get(name);
  }

  add(spec: FixturePackageSpec): void {
    assertPackageName(spec.name);
    const built = spec.versions.map((v) => buildVersion(spec.name, v));
    const existing = this.packages.get(spec.name);
    if (existing === undefined && built.length === 0) throw new TestingError('TESTING_FIXTURE_INVALID', `${spec.name} needs at least one version`);
    for (const [i, version] of built.entries()) {
      if (existing?.versions.has(version.version) || built.findIndex((b) => b.version === version.version) !== i) {
        throw new TestingError('TESTING_FIXTURE_INVALID', `${spec.name}@${version.version} is already in the fixture (use changeBytes to alter it)`);
      }
    }
    const pkg: StoredPackage = existing ?? { name: spec.name, versions: new Map(), distTags: {}, times: new Map() };
    for (const version of built) {
      pkg.versions.set(version.version, version);
      pkg.times.set(version.version, version.publishedAt);
    }
    for (const [tag, version] of Object.entries(spec.distTags ?? {})) {
      if (!pkg.versions.has(version)) throw new TestingError('TESTING_FIXTURE_INVALID', `dist-tag ${tag} of ${spec.name} points at missing version ${version}`);
      pkg.distTags[tag] = version;
    }
    if (spec.distTags?.latest === undefined) this.resetLatest(pkg);
    this.packages.set(spec.name, pkg);
  }

  version(name: string, version: string): StoredVersion {
    const stored = this.package(name).versions.get(version);
    if (stored === undefined) throw new TestingError('TESTING_FIXTURE_UNKNOWN', `the fixture has no ${name}@${version}`);
    return stored;
  }

  changeBytes(name: string, version: string): StoredVersion {
    const stored = this.version(name, version);
    Object.assign(stored, alteredTarball(stored));
    this.package(name).changedAt = new Date();
    return stored;
  }

  serveWrongBytes(name: string, version: string, on: boolean): void {
    const stored = this.version(name, version);
    stored.wrongBytes = on ? alteredTarball(stored).tarball : undefined;
  }

  corruptSignature(name: string, version: string, on: boolean): void {
    this.version(name, version).corruptSignature = on;
  }

  /** Tags on the version go; `latest` moves to the highest remaining version. */
  removeVersion(name: string, version: string): void {
    this.version(name, version);
    const pkg = this.package(name);
    pkg.versions.delete(version);
    for (const [tag, tagged] of Object.entries(pkg.distTags)) if (tagged === version) delete pkg.distTags[tag];
    if (pkg.distTags.latest === undefined) this.resetLatest(pkg);
    pkg.changedAt = new Date();
  }

  removePackage(name: string): void {
    this.package(name);
    this.packages.delete(name);
  }

  private package(name: string): StoredPackage {
    const pkg = this.packages.get(name);
    if (pkg === undefined) throw new TestingError('TESTING_FIXTURE_UNKNOWN', `the fixture has no package ${name}`);
    return pkg;
  }

  private resetLatest(pkg: StoredPackage): void {
    const latest = highestVersion(pkg.versions.keys());
    if (latest === undefined) delete pkg.distTags.latest;
    else pkg.distTags.latest = latest;
  }
}

/** Lockfile and SBOM formats `parseLockfile` reads. */
export type LockfileFormat = 'npm-v2' | 'npm-v3' | 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'cyclonedx';

/** One installed package, as a registry knows it: the real name (never an alias) and an exact version. */
export interface LockedPackage {
  name: string;
  version: string;
  /** Named by the root project's own manifest (see the README for each format's rule). */
  direct: boolean;
  /** Subresource Integrity string of the tarball (`sha512-…`), when the file records one. */
  integrity?: string;
}

export interface ParsedLockfile {
  format: LockfileFormat;
  /** Deduplicated by (name, version), sorted by name then version. */
  packages: LockedPackage[];
}

export interface LockfileHint {
  /** The file's name as CI sent it; only used in messages and to read a `yarn.lock` without its header. */
  filename?: string;
  /**
   * Yarn classic only (its lockfile does not say which entries the root manifest asked for): the root
   * `package.json` dependencies, each either a name (`lodash`: every locked version of that name is
   * direct) or `name@range` exactly as the manifest writes it (`lodash@^4.17.0`: only that entry).
   */
  directDependencies?: readonly string[];
}

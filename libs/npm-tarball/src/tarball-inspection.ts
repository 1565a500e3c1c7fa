/** Bounds of one inspection; every one is enforced while streaming, before anything is buffered. */
export interface TarballLimits {
  /** Most archive entries (files, directories, links) accepted. */
  readonly maxEntries: number;
  /** Most bytes the gzip stream may inflate to (tar headers and padding included). */
  readonly maxUnpackedBytes: number;
  /** Largest `package.json` read from the tarball. */
  readonly maxPackageJsonBytes: number;
}

export interface TarballReadme {
  /** File name at the package root, e.g. `README.md`. */
  readonly filename: string;
  /** The first 64 KiB, decoded as UTF-8. */
  readonly text: string;
}

/** What a safe tarball holds, as far as the registry needs to know without extracting it. */
export interface TarballInspection {
  /** `package.json` from the tarball, parsed and otherwise untouched. */
  readonly packageJson: Record<string, unknown>;
  /** The one top-level folder every entry is under (`package` for npm-packed tarballs). */
  readonly root: string;
  /** Regular files, relative to the root, sorted. */
  readonly files: readonly string[];
  /** Number of regular files (npm's `dist.fileCount`). */
  readonly fileCount: number;
  /** Sum of the regular files' sizes (npm's `dist.unpackedSize`). */
  readonly unpackedSize: number;
  /** A preinstall/install/postinstall script, or a `binding.gyp` npm will build (npm's `hasInstallScript`). */
  readonly hasInstallScript: boolean;
  /** The tarball carries `npm-shrinkwrap.json` (npm's `_hasShrinkwrap`). */
  readonly hasShrinkwrap: boolean;
  readonly readme?: TarballReadme;
}

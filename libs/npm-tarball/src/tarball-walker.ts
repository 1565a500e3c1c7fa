import type { ReadEntry } from 'tar';
import { entrySegments, hardLinkStaysInside, resolveSymlinkTarget } from './archive-paths';
import { hasInstallScript, parsePackageJson } from './package-json-file';
import { ReadmePicker } from './readme-picker';
import { TarballError, TarballErrorCode, isTarballError } from './tarball-error';
import type { TarballInspection, TarballLimits } from './tarball-inspection';

/**
 * Judges the entries of one archive as the tar parser emits them. The parser calls in
 * synchronously while it is being written to, so the first problem is recorded here and the
 * caller checks `throwIfFailed()` after each write, then aborts the stream.
 */
export class TarballWalker {
  #failure: TarballError | null = null;
  #root: string | undefined;
  #entries = 0;
  #unpackedSize = 0;
  readonly #files: string[] = [];
  /** Every non-directory path seen: a second copy would silently replace the first on extraction. */
  readonly #claimed = new Set<string>();
  readonly #symlinks = new Set<string>();
  #packageJson: Record<string, unknown> | undefined;
  readonly #readmes = new ReadmePicker();

  constructor(private readonly limits: TarballLimits) {}

  onEntry(entry: ReadEntry): void {
    if (this.#failure) {
      entry.resume();
      return;
    }
    try {
      this.#accept(entry);
    } catch (e: unknown) {
      entry.resume();
      this.fail(e);
    }
  }

  /** Entries the parser skips (unknown types, oversized extended headers) cannot be vetted, so they are refused. */
  onIgnored(entry: ReadEntry): void {
    this.fail(new TarballError(TarballErrorCode.UnsupportedEntry, `entry "${entry.path}" of type ${entry.type} cannot be checked`, { entry: entry.path }));
  }

  fail(error: unknown): void {
    if (this.#failure) return;
    if (!isTarballError(error)) throw error;
    this.#failure = error;
  }

  throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  finish(): TarballInspection {
    this.throwIfFailed();
    const root = this.#root;
    const packageJson = this.#packageJson;
    if (root === undefined || packageJson === undefined) {
      throw new TarballError(TarballErrorCode.NoPackageJson, `the tarball has no ${root ?? 'package'}/package.json`);
    }
    const files = new Set(this.#files);
    return {
      packageJson,
      root,
      files: [...this.#files].sort(),
      fileCount: this.#files.length,
      unpackedSize: this.#unpackedSize,
      hasInstallScript: hasInstallScript(packageJson, files),
      hasShrinkwrap: files.has('npm-shrinkwrap.json'),
      readme: this.#readmes.pick(),
    };
  }

  #accept(entry: ReadEntry): void {
    this.#entries += 1;
    // The end of the archive is found from the ustar sizes (TarEndTracker); a pax size would move it.
    if (entry.header.size !== undefined && entry.size !== entry.header.size) {
      throw new TarballError(TarballErrorCode.UnsupportedEntry, `entry "${entry.path}" has a pax size that differs from its header`, { entry: entry.path });
    }
    if (this.#entries > this.limits.maxEntries) {
      throw new TarballError(TarballErrorCode.TooManyEntries, `the tarball has more than ${this.limits.maxEntries} entries`);
    }
    const [root, ...rest] = entrySegments(entry.path);
    if (this.#root === undefined) this.#root = root;
    if (root !== this.#root) {
      throw new TarballError(TarballErrorCode.BadLayout, `entries lie under more than one top-level folder ("${this.#root}" and "${root}")`, { entry: entry.path });
    }
    this.#refuseThroughSymlink(rest, entry.path);
    const rel = rest.join('/');
    switch (entry.type) {
      case 'Directory':
      case 'GNUDumpDir':
        entry.resume();
        return;
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        this.#file(entry, rel);
        return;
      case 'SymbolicLink':
        this.#symlink(entry, rest);
        return;
      case 'Link':
        this.#hardLink(entry, rel);
        return;
      default:
        throw new TarballError(TarballErrorCode.UnsupportedEntry, `entry "${entry.path}" is a ${entry.type}, which a package cannot hold`, { entry: entry.path });
    }
  }

  #claim(rel: string, entry: ReadEntry, regular: boolean): void {
    if (rel === '') {
      throw new TarballError(TarballErrorCode.BadLayout, `entry "${entry.path}" is a file at the top level, outside the package folder`, { entry: entry.path });
    }
    if (this.#claimed.has(rel)) {
      throw new TarballError(TarballErrorCode.DuplicateEntry, `entry "${entry.path}" appears more than once`, { entry: entry.path });
    }
    if (rel.toLowerCase() === 'package.json' && !(regular && rel === 'package.json')) {
      const why = regular ? 'could replace package.json on case-insensitive file systems' : 'must be a regular file';
      throw new TarballError(TarballErrorCode.BadPackageJson, `entry "${entry.path}" ${why}`, { entry: entry.path });
    }
    this.#claimed.add(rel);
  }

  #file(entry: ReadEntry, rel: string): void {
    this.#claim(rel, entry, true);
    this.#files.push(rel);
    this.#unpackedSize += entry.size;
    if (rel === 'package.json') {
      this.#readPackageJson(entry);
    } else if (this.#readmes.wants(rel)) {
      entry.on('data', this.#readmes.collect(rel));
    } else {
      entry.resume();
    }
  }

  #readPackageJson(entry: ReadEntry): void {
    if (entry.size > this.limits.maxPackageJsonBytes) {
      throw new TarballError(TarballErrorCode.BadPackageJson, `${entry.path} is ${entry.size} bytes, more than the ${this.limits.maxPackageJsonBytes} allowed`, { entry: entry.path });
    }
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    entry.on('end', () => {
      try {
        this.#packageJson = parsePackageJson(Buffer.concat(chunks), entry.path);
      } catch (e: unknown) {
        this.fail(e);
      }
    });
  }

  #symlink(entry: ReadEntry, rest: string[]): void {
    this.#claim(rest.join('/'), entry, false);
    if (resolveSymlinkTarget(rest.slice(0, -1), entry.linkpath ?? '') === null) {
      throw new TarballError(TarballErrorCode.LinkEscapes, `symlink "${entry.path}" points outside the package ("${entry.linkpath ?? ''}")`, { entry: entry.path });
    }
    this.#symlinks.add(rest.join('/'));
    entry.resume();
  }

  #hardLink(entry: ReadEntry, rel: string): void {
    this.#claim(rel, entry, false);
    if (!hardLinkStaysInside(this.#root as string, entry.linkpath ?? '')) {
      throw new TarballError(TarballErrorCode.LinkEscapes, `hard link "${entry.path}" points outside the package ("${entry.linkpath ?? ''}")`, { entry: entry.path });
    }
    entry.resume();
  }

  /** Writing below a symlink lands wherever it points; lexical checks of later entries would be meaningless. */
  #refuseThroughSymlink(rest: readonly string[], path: string): void {
    for (let depth = 1; depth < rest.length; depth += 1) {
      if (this.#symlinks.has(rest.slice(0, depth).join('/'))) {
        throw new TarballError(TarballErrorCode.LinkEscapes, `entry "${path}" is placed through the symlink "${rest.slice(0, depth).join('/')}"`, { entry: path });
      }
    }
  }
}

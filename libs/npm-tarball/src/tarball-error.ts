import { PalisadeError, isPalisadeError } from '@palisade/errors';

/** Stable codes of a refused tarball; ingest turns them into its own rejections. */
export const TarballErrorCode = {
  /** The bytes do not start like gzip (`1f 8b 08`). */
  NotGzip: 'TARBALL_NOT_GZIP',
  /** Broken gzip or tar: bad checksum, truncated, trailing junk inside the archive, nested compression. */
  Corrupt: 'TARBALL_CORRUPT',
  /** An absolute path or a `..` segment: extracting it would write outside the package folder. */
  PathEscapes: 'TARBALL_PATH_ESCAPES',
  /** A symlink or hard link whose target lies outside the package folder. */
  LinkEscapes: 'TARBALL_LINK_ESCAPES',
  /** Entries not all under one top-level folder, files at the top level, or empty / `.` path segments. */
  BadLayout: 'TARBALL_BAD_LAYOUT',
  /** The same path twice: extraction keeps the last copy, so readers of the first would be fooled. */
  DuplicateEntry: 'TARBALL_DUPLICATE_ENTRY',
  /** Devices, FIFOs, unknown entry types or oversized extended headers. */
  UnsupportedEntry: 'TARBALL_UNSUPPORTED_ENTRY',
  TooManyEntries: 'TARBALL_TOO_MANY_ENTRIES',
  /** The archive inflates past the limit (a gzip bomb stops here, long before it is inflated whole). */
  TooLargeUnpacked: 'TARBALL_TOO_LARGE_UNPACKED',
  NoPackageJson: 'TARBALL_NO_PACKAGE_JSON',
  /** `package.json` is not a regular file, too large, not JSON, or not a JSON object. */
  BadPackageJson: 'TARBALL_BAD_PACKAGE_JSON',
  /** Non-zero bytes after the tar end-of-archive blocks. */
  TrailingData: 'TARBALL_TRAILING_DATA',
  /** Inspection ran past its time budget (see `InspectOptions.deadline`). */
  TooSlow: 'TARBALL_TOO_SLOW',
} as const;

export type TarballErrorCode = (typeof TarballErrorCode)[keyof typeof TarballErrorCode];

export class TarballError extends PalisadeError<TarballErrorCode> {
  /** The archive path the problem was found at, when there is one. */
  readonly entry?: string;

  constructor(code: TarballErrorCode, message: string, options: { entry?: string; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.entry = options.entry;
  }
}

const CODES: ReadonlySet<string> = new Set(Object.values(TarballErrorCode));

export function isTarballError(value: unknown, code?: TarballErrorCode): value is TarballError {
  if (!isPalisadeError(value) || !CODES.has(value.code)) return false;
  return code === undefined || value.code === code;
}

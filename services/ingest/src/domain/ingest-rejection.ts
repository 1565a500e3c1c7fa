import { PalisadeError } from '@palisade/errors';

/** Stable codes of a refused command; the gateway maps them to HTTP answers npm prints. */
export const IngestRejectionCode = {
  /** The request lacks what every publish needs (a tarball reference of the right shape). */
  BadRequest: 'INGEST_BAD_REQUEST',
  /** `manifest_json` is not a JSON object. */
  InvalidManifest: 'INGEST_INVALID_MANIFEST',
  InvalidName: 'INGEST_INVALID_NAME',
  InvalidVersion: 'INGEST_INVALID_VERSION',
  /** The bytes do not match `tarball.integrity`, its size, or the client's `dist.integrity`. */
  IntegrityMismatch: 'INGEST_INTEGRITY_MISMATCH',
  /** The bytes do not match the client's `dist.shasum`. */
  ShasumMismatch: 'INGEST_SHASUM_MISMATCH',
  /** Not a sane gzip tar: unsafe paths or links, corrupt archive, no usable package.json. */
  TarballUnsafe: 'INGEST_TARBALL_UNSAFE',
  /** Too many entries or too many unpacked bytes. */
  TarballTooLarge: 'INGEST_TARBALL_TOO_LARGE',
  /** The tarball is not in the blob store. */
  TarballNotFound: 'INGEST_TARBALL_NOT_FOUND',
  /** The published manifest and the tarball's package.json disagree ("manifest confusion"). */
  ManifestMismatch: 'INGEST_MANIFEST_MISMATCH',
  /** The recorded manifest would be larger than PALISADE_INGEST_MAX_MANIFEST_BYTES. */
  ManifestTooLarge: 'INGEST_MANIFEST_TOO_LARGE',
  /** Checking the publish took longer than its budget, or the gateway's deadline passed: nothing is recorded. */
  PublishTimeout: 'INGEST_PUBLISH_TIMEOUT',
  /** name@version is (or was) recorded; a version is never recorded twice, even after unpublish. */
  VersionExists: 'INGEST_VERSION_EXISTS',
  /** The blob store could not be read; the same request may pass later. */
  StorageUnavailable: 'INGEST_STORAGE_UNAVAILABLE',
  /** The `.sigstore` attachment is not a readable Sigstore bundle with an in-toto statement. */
  ProvenanceInvalid: 'INGEST_PROVENANCE_INVALID',
  /** The provenance statement is about another package, version or tarball. */
  ProvenanceSubjectMismatch: 'INGEST_PROVENANCE_SUBJECT_MISMATCH',
  /** The provenance was built from another repository than package.json `repository` names. */
  ProvenanceRepositoryMismatch: 'INGEST_PROVENANCE_REPOSITORY_MISMATCH',
  PackageNotFound: 'INGEST_PACKAGE_NOT_FOUND',
  VersionNotFound: 'INGEST_VERSION_NOT_FOUND',
  /** The name is in an internal scope: it is never resolved upstream (dependency confusion). */
  InternalScope: 'INGEST_INTERNAL_SCOPE',
  /** The name is published here; the upstream's package of that name is never mixed in. */
  NameIsInternal: 'INGEST_NAME_IS_INTERNAL',
  /** No upstream is configured, or it is switched off. */
  UpstreamDisabled: 'INGEST_UPSTREAM_DISABLED',
  UpstreamNotFound: 'INGEST_UPSTREAM_NOT_FOUND',
  /** The upstream did not answer in time or failed; what is cached stays served. */
  UpstreamUnavailable: 'INGEST_UPSTREAM_UNAVAILABLE',
  /** The upstream answered something unusable (not a packument of that name). */
  UpstreamInvalid: 'INGEST_UPSTREAM_INVALID',
} as const;

export type IngestRejectionCode = (typeof IngestRejectionCode)[keyof typeof IngestRejectionCode];

/** A refusal as it goes back to the caller (the `Rejection` message of the contracts). */
export interface Rejection {
  code: IngestRejectionCode;
  message: string;
  problems: string[];
  retryable: boolean;
}

/**
 * Thrown by a step of a command to stop it with an answer. It is a refusal, not a failure: the
 * handler turns it into a `rejected` reply instead of an error.
 */
export class IngestRejected extends PalisadeError<IngestRejectionCode> {
  constructor(
    code: IngestRejectionCode,
    message: string,
    readonly problems: readonly string[] = [],
    readonly retryable = false,
  ) {
    super(code, message);
  }

  toRejection(): Rejection {
    return { code: this.code, message: this.message, problems: [...this.problems], retryable: this.retryable };
  }
}

/**
 * A command's reply: `accepted` with what `work` answers, or `rejected` when it stopped with an
 * `IngestRejected` (reported to `onRejected` first, e.g. for a log line). Other errors propagate:
 * the caller gets an error reply, not a refusal.
 */
export async function acceptedOrRejected<T>(work: () => Promise<T>, onRejected: (rejection: IngestRejected) => void) {
  try {
    return { outcome: { case: 'accepted' as const, value: await work() } };
  } catch (e: unknown) {
    if (!(e instanceof IngestRejected)) throw e;
    onRejected(e);
    return { outcome: { case: 'rejected' as const, value: e.toRejection() } };
  }
}

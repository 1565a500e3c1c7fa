import { PalisadeError } from '@palisade/errors';

export const RecallErrorCode = {
  /** A required field is missing or malformed; `problems` lists every one. */
  InvalidRequest: 'RECALL_INVALID_REQUEST',
  /** `version_range` is not a semver range. */
  InvalidRange: 'RECALL_INVALID_RANGE',
  /** No recorded version matches (or an exact version is not recorded). */
  NoMatchingVersion: 'RECALL_NO_MATCHING_VERSION',
  NotFound: 'RECALL_NOT_FOUND',
  /** The case is closed (or a drill, which closes at once): nothing can change any more. */
  Closed: 'RECALL_CLOSED',
  /** An override must be approved by someone other than who asked for it. */
  SelfApproval: 'RECALL_SELF_APPROVAL',
  /** A view the promotion policy (or the case) does not have. */
  UnknownView: 'RECALL_UNKNOWN_VIEW',
  InvalidOverride: 'RECALL_INVALID_OVERRIDE',
  OverrideNotPending: 'RECALL_OVERRIDE_NOT_PENDING',
  InvalidDeployment: 'RECALL_INVALID_DEPLOYMENT',
  /** The promotion service did not answer `policy-show`: views and quarantine modes are unknown. Retryable. */
  PolicyUnavailable: 'RECALL_POLICY_UNAVAILABLE',
  /** An event the service cannot use (missing identity); dead-lettered. */
  EventInvalid: 'RECALL_EVENT_INVALID',
} as const;

export type RecallErrorCode = (typeof RecallErrorCode)[keyof typeof RecallErrorCode];

/** A refusal the recall service answers with (as a command `Rejection`), never a crash. */
export class RecallError extends PalisadeError<RecallErrorCode> {
  /** True when the same request may succeed later (the reply's `Rejection.retryable`). */
  readonly retryable: boolean;

  constructor(
    code: RecallErrorCode,
    message: string,
    readonly problems: readonly string[] = [],
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(code, message, options);
    this.retryable = options.retryable ?? false;
  }
}

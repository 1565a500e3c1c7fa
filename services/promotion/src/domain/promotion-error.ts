import { PalisadeError } from '@palisade/errors';

export const PromotionErrorCode = {
  /** The policy document does not parse or breaks a rule; `problems` lists every one. */
  PolicyInvalid: 'PROMOTION_POLICY_INVALID',
  /** PALISADE_POLICY_FILE cannot be read. */
  PolicyFile: 'PROMOTION_POLICY_FILE',
  /** A view that PALISADE_VIEWS does not name. */
  UnknownView: 'PROMOTION_UNKNOWN_VIEW',
  /** No version.ingested was seen for this name@version. */
  UnknownVersion: 'PROMOTION_UNKNOWN_VERSION',
  /** The target view's policy refuses the version; `problems` has one line per violated rule. */
  PolicyViolation: 'PROMOTION_POLICY_VIOLATION',
  /** The principal may not approve this version (not in the team, or its publisher). */
  ApproverNotAllowed: 'PROMOTION_APPROVER_NOT_ALLOWED',
} as const;

export type PromotionErrorCode = (typeof PromotionErrorCode)[keyof typeof PromotionErrorCode];

/** A refusal the promotion service answers with (as a command `Rejection`), never a crash. */
export class PromotionError extends PalisadeError<PromotionErrorCode> {
  constructor(
    code: PromotionErrorCode,
    message: string,
    readonly problems: readonly string[] = [],
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

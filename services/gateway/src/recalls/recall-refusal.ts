import type { Rejection } from '@palisade/contracts';
import { RegistryHttpError, type RegistryErrorCode } from '../http/registry-errors';

/** How each recall rejection code is answered over HTTP (others: 400). */
const STATUS_OF: Readonly<Record<string, RegistryErrorCode>> = {
  RECALL_NOT_FOUND: 'PAL_ERR_NOT_FOUND',
  RECALL_NO_MATCHING_VERSION: 'PAL_ERR_NOT_FOUND',
  RECALL_CLOSED: 'PAL_ERR_CONFLICT',
  RECALL_OVERRIDE_NOT_PENDING: 'PAL_ERR_CONFLICT',
  RECALL_SELF_APPROVAL: 'PAL_ERR_FORBIDDEN',
  RECALL_UNKNOWN_VIEW: 'PAL_ERR_BAD_REQUEST',
  RECALL_INVALID_OVERRIDE: 'PAL_ERR_BAD_REQUEST',
  RECALL_INVALID_RANGE: 'PAL_ERR_BAD_REQUEST',
};

/**
 * A refusal by the recall service, answered with its message and every problem it listed:
 * `{ error, code, reason, reasons }`, `reason` being the service's own code (e.g. RECALL_SELF_APPROVAL).
 * A rejection the service marks retryable is a 503.
 */
export class RecallRefusal extends RegistryHttpError {
  private constructor(
    code: RegistryErrorCode,
    detail: string,
    readonly reason: string,
    readonly reasons: readonly string[],
  ) {
    super(code, detail);
  }

  static of(rejection: Rejection): RecallRefusal {
    const code = rejection.retryable ? 'PAL_ERR_UNAVAILABLE' : (STATUS_OF[rejection.code] ?? 'PAL_ERR_BAD_REQUEST');
    return new RecallRefusal(code, rejection.message || rejection.code, rejection.code, rejection.problems);
  }

  override toBody(): { error: string; code: RegistryErrorCode; reason: string; reasons: string[] } {
    return { ...super.toBody(), reason: this.reason, reasons: [...this.reasons] };
  }
}

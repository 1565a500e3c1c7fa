import type { Rejection } from '@palisade/contracts';
import { RegistryHttpError, type RegistryErrorCode } from './registry-errors';

/** How a service's rejection codes are answered over HTTP; unlisted codes are 400. */
export type RefusalStatuses = Readonly<Record<string, RegistryErrorCode>>;

/**
 * A refusal by a service behind the gateway (promotion, recall), answered with its message and
 * every problem it listed: `{ error, code, reason, reasons }`, `reason` being the service's own
 * code (e.g. PROMOTION_POLICY_VIOLATION, RECALL_SELF_APPROVAL). A rejection the service marks
 * retryable is a 503.
 */
export class ServiceRefusal extends RegistryHttpError {
  private constructor(
    code: RegistryErrorCode,
    detail: string,
    readonly reason: string,
    readonly reasons: readonly string[],
  ) {
    super(code, detail);
  }

  static of(rejection: Rejection, statuses: RefusalStatuses): ServiceRefusal {
    const code = rejection.retryable ? 'PAL_ERR_UNAVAILABLE' : (statuses[rejection.code] ?? 'PAL_ERR_BAD_REQUEST');
    return new ServiceRefusal(code, rejection.message || rejection.code, rejection.code, rejection.problems);
  }

  override toBody(): { error: string; code: RegistryErrorCode; reason: string; reasons: string[] } {
    return { ...super.toBody(), reason: this.reason, reasons: [...this.reasons] };
  }
}

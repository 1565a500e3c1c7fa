import type { Rejection } from '@palisade/contracts';
import { RegistryErrors, RegistryHttpError, type RegistryErrorCode } from '../http/registry-errors';
import type { RegistryReply } from '../http/registry-request';

/** How each promotion rejection code is answered over HTTP. */
const STATUS_OF: Readonly<Record<string, RegistryErrorCode>> = {
  PROMOTION_POLICY_VIOLATION: 'PAL_ERR_POLICY_REFUSED',
  PROMOTION_APPROVER_NOT_ALLOWED: 'PAL_ERR_FORBIDDEN',
  PROMOTION_UNKNOWN_VIEW: 'PAL_ERR_BAD_REQUEST',
  PROMOTION_POLICY_INVALID: 'PAL_ERR_BAD_REQUEST',
  PROMOTION_UNKNOWN_VERSION: 'PAL_ERR_NOT_FOUND',
};

/**
 * A refusal by the promotion service, answered with every reason it gave: `{ error, code,
 * reason, reasons }` (`reason` is the service's own code, e.g. PROMOTION_POLICY_VIOLATION).
 */
export class PromotionRefusal extends RegistryHttpError {
  private constructor(
    code: RegistryErrorCode,
    detail: string,
    readonly reason: string,
    readonly reasons: readonly string[],
  ) {
    super(code, detail);
  }

  static of(rejection: Rejection): PromotionRefusal {
    return new PromotionRefusal(STATUS_OF[rejection.code] ?? 'PAL_ERR_BAD_REQUEST', rejection.message, rejection.code, rejection.problems);
  }

  reply(): RegistryReply {
    return { status: RegistryErrors[this.code].status, body: { ...this.toBody(), reason: this.reason, reasons: [...this.reasons] } };
  }
}

/** Runs a route's work and answers a refusal with its reasons instead of the bare error body. */
export async function answeringRefusals(work: () => Promise<RegistryReply>): Promise<RegistryReply> {
  try {
    return await work();
  } catch (e: unknown) {
    if (e instanceof PromotionRefusal) return e.reply();
    throw e;
  }
}

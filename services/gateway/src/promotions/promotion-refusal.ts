import type { Rejection } from '@palisade/contracts';
import { ServiceRefusal, type RefusalStatuses } from '../http/service-refusal';

/** How each promotion rejection code is answered over HTTP (others: 400). */
const STATUS_OF: RefusalStatuses = {
  PROMOTION_POLICY_VIOLATION: 'PAL_ERR_POLICY_REFUSED',
  PROMOTION_APPROVER_NOT_ALLOWED: 'PAL_ERR_FORBIDDEN',
  PROMOTION_UNKNOWN_VIEW: 'PAL_ERR_BAD_REQUEST',
  PROMOTION_POLICY_INVALID: 'PAL_ERR_BAD_REQUEST',
  PROMOTION_UNKNOWN_VERSION: 'PAL_ERR_NOT_FOUND',
};

/** A refusal by the promotion service, as the gateway answers it. */
export const promotionRefusal = (rejection: Rejection): ServiceRefusal => ServiceRefusal.of(rejection, STATUS_OF);

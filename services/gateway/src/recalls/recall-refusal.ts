import type { Rejection } from '@palisade/contracts';
import { ServiceRefusal, type RefusalStatuses } from '../http/service-refusal';

/** How each recall rejection code is answered over HTTP (others: 400). */
const STATUS_OF: RefusalStatuses = {
  RECALL_NOT_FOUND: 'PAL_ERR_NOT_FOUND',
  RECALL_NO_MATCHING_VERSION: 'PAL_ERR_NOT_FOUND',
  RECALL_CLOSED: 'PAL_ERR_CONFLICT',
  RECALL_OVERRIDE_NOT_PENDING: 'PAL_ERR_CONFLICT',
  RECALL_SELF_APPROVAL: 'PAL_ERR_FORBIDDEN',
  RECALL_UNKNOWN_VIEW: 'PAL_ERR_BAD_REQUEST',
  RECALL_INVALID_OVERRIDE: 'PAL_ERR_BAD_REQUEST',
  RECALL_INVALID_RANGE: 'PAL_ERR_BAD_REQUEST',
};

/** A refusal by the recall service, as the gateway answers it. */
export const recallRefusal = (rejection: Rejection): ServiceRefusal => ServiceRefusal.of(rejection, STATUS_OF);

import { Inject, Injectable } from '@nestjs/common';
import { Commands, decodeMessage, encodeMessage, type QuarantineMode } from '@palisade/contracts';
import type { MessageBus } from '@palisade/messaging';
import { MESSAGE_BUS } from '@palisade/platform';
import { quarantineModeFor } from '../domain/quarantine';
import { RecallError, RecallErrorCode } from '../domain/recall-error';

/** How long the promotion service may take to show its policy. */
export const POLICY_TIMEOUT_MS = 5_000;

/** The views in promotion order and how each shows a recalled version. */
export interface ViewPolicy {
  views: readonly string[];
  quarantine: ReadonlyArray<{ view: string; mode: QuarantineMode }>;
}

export function modeOf(policy: ViewPolicy, view: string): QuarantineMode {
  return quarantineModeFor(view, policy.views, policy.quarantine);
}

/**
 * Asks the promotion service (`registry.cmd.promotion.policy-show`) for the views and their
 * quarantine modes. A silent, failing or view-less answer is `RECALL_POLICY_UNAVAILABLE`,
 * retryable: an event handler is redelivered later, a command is answered with a retryable
 * rejection.
 */
@Injectable()
export class PolicyClient {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async current(): Promise<ViewPolicy> {
    const { subject, request, reply } = Commands.promotionPolicyShow;
    let outcome;
    try {
      const answer = await this.bus.request(subject, encodeMessage(request, { view: '' }), { timeoutMs: POLICY_TIMEOUT_MS });
      outcome = decodeMessage(reply, answer.data).outcome;
    } catch (e: unknown) {
      throw new RecallError(RecallErrorCode.PolicyUnavailable, `the promotion service did not show its policy: ${e instanceof Error ? e.message : String(e)}`, [], {
        cause: e,
        retryable: true,
      });
    }
    if (outcome.case !== 'found' || outcome.value.views.length === 0) {
      const why = outcome.case === 'rejected' ? `${outcome.value.code}: ${outcome.value.message}` : 'no views in the answer';
      throw new RecallError(RecallErrorCode.PolicyUnavailable, `the promotion service did not show its policy (${why})`, [], { retryable: true });
    }
    return { views: [...outcome.value.views], quarantine: outcome.value.quarantine.map((q) => ({ view: q.view, mode: q.mode })) };
  }
}

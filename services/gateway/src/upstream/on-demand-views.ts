import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import { Commands, decodeMessage, encodeMessage } from '@palisade/contracts';
import type { MessageBus } from '@palisade/messaging';
import { LOGGER, MESSAGE_BUS } from '@palisade/platform';
import { UPSTREAM_SETTINGS, type UpstreamSettings } from '@palisade/upstream';

/** How long the promotion service's answer is trusted (a policy apply shows within this). */
export const ON_DEMAND_TTL_MS = 10_000;
/** How long a request waits for the promotion service before it goes on with what it knew. */
const ASK_TIMEOUT_MS = 3_000;

/**
 * The views that list upstream versions before they are judged, as the promotion service's policy
 * says (`on_demand_views` of policy-show). Until the promotion service has answered, and whenever
 * it does not, none: every view then waits for judged versions, as it did before.
 */
@Injectable()
export class OnDemandViews {
  #views: ReadonlySet<string> = new Set();
  #fetchedAt = 0;
  #asking?: Promise<void>;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(UPSTREAM_SETTINGS) private readonly upstream: UpstreamSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether `view` lists upstream versions before judgment; asks the promotion service when its answer is old. */
  async listsUnjudged(view: string): Promise<boolean> {
    if (this.upstream.url === undefined) return false;
    if (Date.now() - this.#fetchedAt >= ON_DEMAND_TTL_MS) await this.#refresh();
    return this.#views.has(view);
  }

  #refresh(): Promise<void> {
    this.#asking ??= this.#ask().finally(() => {
      this.#asking = undefined;
    });
    return this.#asking;
  }

  async #ask(): Promise<void> {
    const { subject, request, reply } = Commands.promotionPolicyShow;
    try {
      const answer = await this.bus.request(subject, encodeMessage(request, { view: '' }), { timeoutMs: ASK_TIMEOUT_MS });
      const { outcome } = decodeMessage(reply, answer.data);
      if (outcome.case !== 'found') throw new Error(outcome.case === 'rejected' ? outcome.value.message : 'no outcome');
      this.#views = new Set(outcome.value.onDemandViews);
      this.#fetchedAt = Date.now();
    } catch (e: unknown) {
      // Keep what was known; ask again on the next request after a short pause, not on every one.
      this.#fetchedAt = Date.now() - ON_DEMAND_TTL_MS + 1_000;
      this.logger.warn({ err: e }, 'the promotion service did not say which views judge upstream versions on demand; keeping the last answer');
    }
  }
}

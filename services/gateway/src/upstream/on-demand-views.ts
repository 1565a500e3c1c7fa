import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import { Commands, decodeMessage, encodeMessage } from '@palisade/contracts';
import type { MessageBus } from '@palisade/messaging';
import { LOGGER, MESSAGE_BUS } from '@palisade/platform';
import { UPSTREAM_SETTINGS, type UpstreamSettings } from '@palisade/upstream';

/** How long the promotion service's answer is trusted before it is asked again, in the background. */
export const ON_DEMAND_TTL_MS = 10_000;
/** How long the first ask may take; a loaded promotion service answers policy-show in seconds, not minutes. */
const ASK_TIMEOUT_MS = 10_000;
/** After a failed first ask, requests go on without waiting for this long. */
const RETRY_AFTER_MS = 5_000;

/**
 * The views that list upstream versions before they are judged, as the promotion service's policy
 * says (`on_demand_views` of policy-show). Requests wait for the first answer; later answers are
 * refreshed in the background, so no request waits for the promotion service again. Until the
 * first answer, and while the promotion service does not give one, none: every view then waits
 * for judged versions, as it did before.
 */
@Injectable()
export class OnDemandViews {
  #views?: ReadonlySet<string>;
  #fetchedAt = 0;
  #failedAt = 0;
  #asking?: Promise<void>;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(UPSTREAM_SETTINGS) private readonly upstream: UpstreamSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether `view` lists upstream versions before judgment. */
  async listsUnjudged(view: string): Promise<boolean> {
    if (this.upstream.url === undefined) return false;
    if (this.#views === undefined) {
      if (Date.now() - this.#failedAt >= RETRY_AFTER_MS) await this.#refresh();
    } else if (Date.now() - this.#fetchedAt >= ON_DEMAND_TTL_MS) {
      void this.#refresh();
    }
    return this.#views?.has(view) ?? false;
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
      // Keep what was known, and ask again after a pause rather than on every request.
      this.#failedAt = Date.now();
      this.#fetchedAt = Math.max(this.#fetchedAt, Date.now() - ON_DEMAND_TTL_MS + RETRY_AFTER_MS);
      this.logger.warn({ err: e }, 'the promotion service did not say which views judge upstream versions on demand; keeping the last answer');
    }
  }
}

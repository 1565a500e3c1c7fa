import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { ALERT_SIGNATURE_HEADER, ALERT_TIMESTAMP_HEADER, CLOUDEVENTS_JSON_CONTENT_TYPE, signAlertPayload } from '@palisade/contracts';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { AlertWebhookClient } from '../adapters/alert-webhook-client';
import { deliveryBackoffMs, webhookForLogs } from '../domain/alert-webhooks';
import { AlertDeliveryStore, type AttemptOutcome, type ClaimedDelivery } from '../store/alert-delivery-store';
import { ALERT_SETTINGS, type AlertSettings } from './alert-config';

const BATCH = 16;

/**
 * Delivers queued alerts to their webhooks: on a timer, and right after an alert is logged.
 * Each pass claims due deliveries (row locks released before any HTTP call), POSTs them in
 * parallel, signed, and records every attempt: 2xx is delivered; anything else is tried again
 * after a doubling backoff until the maximum attempts, then `failed`. Several replicas may run:
 * a delivery is claimed by one at a time.
 */
@Injectable()
export class AlertDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ALERT_SETTINGS) private readonly settings: AlertSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly client: AlertWebhookClient,
  ) {}

  onApplicationBootstrap(): void {
    // Without webhooks nothing is queued; deliveries left over for removed webhooks wait, and
    // are closed as failed by the first pass once any webhook is configured again.
    if (this.timer || this.stopped || this.settings.webhooks.length === 0) return;
    // Deliveries due from before a restart go out at once.
    this.timer = setInterval(() => this.kick(), this.settings.pollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now (or right after the one in progress). */
  kick(): void {
    if (this.stopped || this.settings.webhooks.length === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'alert webhook delivery pass failed; retrying at the next tick'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** One pass: claim and attempt due deliveries until none is left. */
  async pass(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      // The lease outlasts the attempt's timeout, so a slow receiver is not sent a second copy meanwhile.
      const claimed = await AlertDeliveryStore.claimDue(this.dataSource, BATCH, this.settings.timeoutMs * 3);
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      if (claimed.length < BATCH) return;
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.send(delivery);
    const recorded = await AlertDeliveryStore.recordAttempt(this.dataSource, delivery, outcome);
    const context = { deliveryId: delivery.id, webhook: webhookForLogs(delivery.webhookUrl), subject: delivery.subject, eventId: delivery.eventId, attempt: delivery.attempt, statusCode: outcome.statusCode, error: outcome.error };
    if (!recorded) this.logger.warn(context, 'alert webhook attempt finished after its claim expired; the delivery was taken over');
    else if (outcome.status === 'failed') this.logger.error(context, 'alert webhook delivery failed for good');
    else if (outcome.status === 'pending') this.logger.warn({ ...context, retryInMs: outcome.retryInMs }, 'alert webhook attempt failed; will retry');
  }

  private async send(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    const { secret, webhooks } = this.settings;
    // A webhook removed from the settings gets nothing more, including what was queued for it.
    if (secret === undefined || !webhooks.some((w) => w.url === delivery.webhookUrl)) {
      return { status: 'failed', error: 'webhook is no longer configured (PALISADE_ALERT_WEBHOOKS)', durationMs: 0 };
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await this.client.post(
      delivery.webhookUrl,
      delivery.cloudevent,
      {
        'content-type': CLOUDEVENTS_JSON_CONTENT_TYPE,
        'ce-id': delivery.eventId,
        [ALERT_TIMESTAMP_HEADER]: String(timestamp),
        [ALERT_SIGNATURE_HEADER]: signAlertPayload(secret, timestamp, delivery.cloudevent),
      },
      this.settings.timeoutMs,
    );
    const ok = 'statusCode' in response && response.statusCode >= 200 && response.statusCode < 300;
    const result = 'statusCode' in response ? { statusCode: response.statusCode, durationMs: response.durationMs } : { error: response.error, durationMs: response.durationMs };
    if (ok) return { ...result, status: 'delivered' };
    if (delivery.attempt >= this.settings.maxAttempts) return { ...result, status: 'failed' };
    return { ...result, status: 'pending', retryInMs: deliveryBackoffMs(delivery.attempt, this.settings.backoffMs, this.settings.maxBackoffMs) };
  }
}

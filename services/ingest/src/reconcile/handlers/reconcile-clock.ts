import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import { LOGGER } from '@palisade/platform';
import { Reconciler } from '../application/reconciler';
import { RECONCILE_SETTINGS, type ReconcileSettings } from '../reconcile.config';

/**
 * Runs reconciliation every PALISADE_RECONCILE_INTERVAL. Every replica ticks; the run's advisory
 * lock lets one of them work and the others skip.
 */
@Injectable()
export class ReconcileClock implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly reconciler: Reconciler,
    @Inject(RECONCILE_SETTINGS) private readonly settings: ReconcileSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.intervalMs === 0 || this.timer) return;
    this.timer = setInterval(() => this.tick(), this.settings.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    // A run longer than the interval is not stacked with the next one.
    if (this.stopped || this.running) return;
    this.running = this.reconciler
      .run()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'reconciliation run failed; retrying at the next tick'))
      .finally(() => {
        this.running = undefined;
      });
  }
}

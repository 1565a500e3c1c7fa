import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { PROMOTION_SETTINGS, type PromotionSettings } from '../promotion.config';
import { DueStore } from '../store/due-store';
import { FactsStore } from '../store/facts-store';
import { PolicyStore } from '../store/policy-store';
import { AdmissionEngine, type EvaluationTrigger } from './admission-engine';

const BATCH = 100;

/**
 * Re-decides versions without an event, every PALISADE_PROMOTION_REEVALUATE_INTERVAL: those whose
 * minimum age is reached (a cooldown ends with no message to announce it), and those not yet
 * decided under the policy in force (after a policy change). Several replicas may tick at once:
 * each version is decided under its row lock, and deciding twice changes nothing.
 */
@Injectable()
export class ReevaluationClock implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PROMOTION_SETTINGS) private readonly settings: PromotionSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly engine: AdmissionEngine,
  ) {}

  onApplicationBootstrap(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.settings.reevaluateIntervalMs);
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
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'promotion re-evaluation failed; retrying at the next tick'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** One pass: every due version, then every version not decided under the current policy. */
  async pass(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const due = await DueStore.dueBy(this.dataSource.manager, new Date(), BATCH);
      const policyVersion = await PolicyStore.currentVersion(this.dataSource.manager);
      const stale = await FactsStore.notEvaluatedUnder(this.dataSource.manager, policyVersion, BATCH);
      if (due.length === 0 && stale.length === 0) return;
      const decided = (await this.decide(due, { kind: 'timer' })) + (await this.decide(stale, { kind: 'policy' }));
      // A batch that decided nothing would come back unchanged: wait for the next tick.
      if (decided === 0 || (due.length < BATCH && stale.length < BATCH)) return;
    }
  }

  /** How many versions were decided; one that fails is logged and left for the next tick. */
  private async decide(versions: ReadonlyArray<{ name: string; version: string }>, trigger: EvaluationTrigger): Promise<number> {
    let decided = 0;
    for (const { name, version } of versions) {
      if (this.stopped) break;
      try {
        await this.dataSource.transaction((tx) => this.engine.evaluate(tx, name, version, trigger));
        decided += 1;
      } catch (error: unknown) {
        this.logger.warn({ err: error, name, version }, 'could not re-evaluate a version');
      }
    }
    return decided;
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.config';
import { upstreamBacklog } from '../store/upstream-backlog';
import { JudgeUpstreamVersion } from './judge-upstream-version';

const TICK_MS = 250;
/** How long after a client's judge request the background queue stays quiet. */
export const YIELD_MS = 5_000;

/**
 * Judges listed upstream versions nobody asked for yet, newest first, at most
 * PALISADE_UPSTREAM_BACKGROUND_RATE versions a second per replica: fast enough that views with a
 * cooldown fill in, slow enough that a version a client waits for is never queued behind a whole
 * package's history. While clients are asking for versions (a cold install), it waits for them.
 */
@Injectable()
export class UpstreamBacklogDrain implements OnApplicationBootstrap, OnModuleDestroy {
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #credit = 0;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly demand: JudgeUpstreamVersion,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.backgroundJudgeRate === 0) return;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #tick(): void {
    if (this.#running || Date.now() - this.demand.lastDemandAt < YIELD_MS) return;
    // Fractional rates (0.5/s) accumulate until a whole version is due.
    this.#credit = Math.min(this.#credit + (this.settings.backgroundJudgeRate * TICK_MS) / 1000, Math.max(1, this.settings.backgroundJudgeRate));
    const due = Math.floor(this.#credit);
    if (due === 0) return;
    this.#running = this.dataSource
      .transaction((tx) => upstreamBacklog.releaseNewest(tx, due))
      .then((released) => {
        // An empty backlog keeps no credit: a burst later must not flood the pipeline.
        this.#credit = released < due ? 0 : this.#credit - released;
      })
      .catch((e: unknown) => this.logger.warn({ err: e }, 'background judging of upstream versions failed; retrying at the next tick'))
      .finally(() => {
        this.#running = undefined;
      });
  }
}

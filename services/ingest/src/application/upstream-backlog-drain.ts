import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { HostCpu } from '../adapters/host-cpu';
import { backgroundPace } from '../domain/background-pace';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.config';
import { upstreamBacklog } from '../store/upstream-backlog';
import { JudgeUpstreamVersion } from './judge-upstream-version';

const TICK_MS = 250;
/** How long after a client's judge request the background queue stays quiet. */
export const YIELD_MS = 5_000;

/**
 * Judges listed upstream versions nobody asked for yet, what a dist-tag names first, then newest
 * first, at most PALISADE_UPSTREAM_BACKGROUND_RATE versions a second per replica: fast enough that views with a
 * cooldown fill in, slow enough that a version a client waits for is never queued behind a whole
 * package's history. While clients are asking for versions (a cold install) it waits; while the
 * host's CPU is busier than PALISADE_UPSTREAM_BACKGROUND_MAX_CPU (any install, served from the cache
 * or not) it trickles (`backgroundPace`).
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
    private readonly hostCpu: HostCpu,
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
    if (this.#running) return;
    const { due, credit } = backgroundPace({
      rate: this.settings.backgroundJudgeRate,
      credit: this.#credit,
      tickMs: TICK_MS,
      clientWaiting: Date.now() - this.demand.lastDemandAt < YIELD_MS,
      hostBusy: this.hostCpu.busyShare(),
      maxHostBusy: this.settings.backgroundMaxHostBusy,
    });
    this.#credit = credit;
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

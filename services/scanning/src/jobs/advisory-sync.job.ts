import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG } from '@palisade/platform';
import { AdvisoryImporter } from '../application/advisory-importer';
import { scanningSettings, type ScanningSettings } from '../scanning.config';

/** First run shortly after start, so a fresh replica gets data without waiting a whole interval. */
const FIRST_RUN_DELAY_MS = 5_000;

/**
 * The scheduled mirror: every PALISADE_OSV_SYNC_INTERVAL, import PALISADE_OSV_SOURCE (then EPSS
 * and KEV when configured) through the same path as on-demand imports. Several replicas may run
 * the job; the import lock lets one of them work and the others skip that round.
 */
@Injectable()
export class AdvisorySyncJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly settings: ScanningSettings;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly importer: AdvisoryImporter,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
  ) {
    this.settings = scanningSettings(config);
  }

  onApplicationBootstrap(): void {
    const interval = this.settings.syncIntervalMs;
    if (interval === undefined || !this.settings.osvSource) return;
    const tick = (delay: number) => {
      this.timer = setTimeout(() => {
        this.running = this.syncOnce().finally(() => {
          this.running = undefined;
          if (this.timer !== undefined) tick(interval);
        });
      }, delay);
      this.timer.unref();
    };
    tick(FIRST_RUN_DELAY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: OSV, then the optional likelihood feeds; failures are logged and recorded, never thrown. */
  async syncOnce(): Promise<void> {
    const { osvSource, epssSource, kevSource } = this.settings;
    const done = await this.importer.exclusively(async () => {
      for (const [kind, source] of [['osv', osvSource], ['epss', epssSource], ['kev', kevSource]] as const) {
        if (!source) continue;
        const [{ id }] = (await this.dataSource.query('INSERT INTO import_run (kind, source) VALUES ($1, $2) RETURNING id', [kind, source])) as Array<{ id: string }>;
        try {
          const report = kind === 'osv' ? await this.importer.importOsv(source) : kind === 'epss' ? await this.importer.importEpss(source) : await this.importer.importKev(source);
          await this.dataSource.query('UPDATE import_run SET finished_at = now(), report = $2 WHERE id = $1', [id, JSON.stringify(report)]);
        } catch (error: unknown) {
          this.logger.error({ err: error, kind, source }, 'scheduled advisory import failed');
          await this.dataSource.query('UPDATE import_run SET finished_at = now(), error = $2 WHERE id = $1', [id, (error as Error).message]);
        }
      }
      return true;
    });
    if (done === undefined) this.logger.info('another replica is importing advisories; skipping this round');
  }
}

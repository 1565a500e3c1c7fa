import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { quotedSchemaOf } from '@palisade/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { RECALL_SETTINGS, type RecallSettings } from '../recall.config';
import { CaseStore, type OverrideRow } from '../store/case-store';
import { SERVICE_ACTOR } from './case-messages';
import { CasePlaybook, RECALL_LOCK_CLASS } from './case-playbook';

const BATCH = 100;

/**
 * Puts quarantines back when waivers end, every PALISADE_RECALL_TICK_INTERVAL. Replicas may all
 * tick; a transaction-scoped advisory lock lets one act per round. The rows go back to `planned`
 * (a new generation) until the gateway confirms them again.
 */
@Injectable()
export class WaiverClock implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(RECALL_SETTINGS) private readonly settings: RecallSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly playbook: CasePlaybook,
  ) {}

  onApplicationBootstrap(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.settings.tickIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.tick()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'recall waiver clock failed; retrying at the next tick'))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** One round; how many waivers ended (0 when another replica holds the lock). */
  async tick(now: Date = new Date()): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = (await tx.query('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [
        RECALL_LOCK_CLASS,
        `${quotedSchemaOf(tx.connection)}:waiver-clock`,
      ])) as Array<{ locked: boolean }>;
      if (!locked) return 0;
      const s = quotedSchemaOf(tx.connection);
      const due: Array<{ id: string; recall_id: string }> = await tx.query(
        `SELECT id, recall_id FROM ${s}.recall_override WHERE state = 'approved' AND kind = 'waiver' AND until <= $1 ORDER BY until LIMIT $2`,
        [now, BATCH],
      );
      let ended = 0;
      for (const { id, recall_id: recallId } of due) {
        // Case first, then the override: the same order as approvals take them.
        const c = await CaseStore.lock(tx, recallId);
        const o = await CaseStore.lockOverride(tx, recallId, id);
        if (!c || !o || o.state !== 'approved' || !o.until || o.until.getTime() > now.getTime()) continue;
        await this.end(tx, o, now);
        ended += 1;
      }
      return ended;
    });
  }

  private async end(tx: EntityManager, o: OverrideRow, now: Date): Promise<void> {
    await CaseStore.expireOverride(tx, o.id, now);
    const c = await CaseStore.lock(tx, o.recallId);
    if (!c) return;
    if (await CaseStore.waiverStillActive(tx, c.id, o.view, now, o.id)) {
      await CaseStore.addTimeline(tx, [{ recallId: c.id, at: now, kind: 'waiver-expired', actor: SERVICE_ACTOR, view: o.view, detail: `${o.id} ended; another waiver still holds ${o.view}` }]);
      return;
    }
    const waived = (await CaseStore.enforcementsOf(tx, [c.id])).filter((r) => r.view === o.view && r.state === 'waived');
    const back = await CaseStore.setEnforcementState(tx, c.id, waived, 'planned', now, { bump: true });
    await this.playbook.requarantine(tx, c, back, now);
    if (c.status === 'contained' && back.length > 0) await CaseStore.update(tx, c.id, { status: 'open' });
    await CaseStore.addTimeline(tx, [
      { recallId: c.id, at: now, kind: 'waiver-expired', actor: SERVICE_ACTOR, view: o.view, detail: `${o.id} ended: ${back.length} quarantines back in force in ${o.view}` },
    ]);
  }
}

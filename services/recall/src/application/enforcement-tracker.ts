import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import type { QuarantineMode } from '@palisade/contracts';
import { LOGGER } from '@palisade/platform';
import type { EntityManager } from 'typeorm';
import { modeWord } from '../domain/quarantine';
import { CaseStore } from '../store/case-store';
import { CasePlaybook } from './case-playbook';

export interface EnforcementReport {
  recallId: string;
  name: string;
  version: string;
  view: string;
  mode: QuarantineMode;
  quarantined: boolean;
  enforcedAt: Date;
}

export const GATEWAY_ACTOR = 'service:gateway';

/**
 * The gateway's confirmations (`recall.enforced`): a planned quarantine the gateway now serves
 * becomes `enforced`; once none is left planned the case is contained. Confirmations of releases
 * only go to the timeline. A confirmation for a row that moved on meanwhile (waived, released)
 * changes nothing but the timeline.
 */
@Injectable()
export class EnforcementTracker {
  constructor(
    private readonly playbook: CasePlaybook,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record(tx: EntityManager, report: EnforcementReport): Promise<void> {
    const c = await CaseStore.lock(tx, report.recallId);
    if (!c) {
      this.logger.warn({ recallId: report.recallId, name: report.name, version: report.version, view: report.view }, 'recall.enforced for an unknown case; ignored');
      return;
    }
    const row = (await CaseStore.enforcementsOf(tx, [c.id])).find((r) => r.version === report.version && r.view === report.view);
    if (!row) {
      this.logger.warn({ recallId: c.id, version: report.version, view: report.view }, 'recall.enforced for a version or view the case does not cover; ignored');
      return;
    }
    const what = `${c.name}@${report.version}`;
    if (!report.quarantined) {
      await CaseStore.addTimeline(tx, [{ recallId: c.id, at: report.enforcedAt, kind: 'enforced', actor: GATEWAY_ACTOR, view: report.view, detail: `${what} released in ${report.view}` }]);
      return;
    }
    if (row.state !== 'planned') {
      await CaseStore.addTimeline(tx, [
        { recallId: c.id, at: report.enforcedAt, kind: 'enforced', actor: GATEWAY_ACTOR, view: report.view, detail: `${what} quarantine confirmed in ${report.view} while ${row.state}; no change` },
      ]);
      return;
    }
    await CaseStore.setEnforcementState(tx, c.id, [{ version: report.version, view: report.view }], 'enforced', report.enforcedAt, { enforcedAt: report.enforcedAt });
    await CaseStore.addTimeline(tx, [
      {
        recallId: c.id,
        at: report.enforcedAt,
        kind: 'enforced',
        actor: GATEWAY_ACTOR,
        view: report.view,
        detail: `${what} ${modeWord((report.mode || row.mode) as QuarantineMode)} in ${report.view}`,
      },
    ]);
    await this.playbook.checkContainment(tx, c, report.enforcedAt);
  }
}

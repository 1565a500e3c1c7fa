import { Inject, Injectable } from '@nestjs/common';
import { addAllToOutbox } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { isQuarantining } from '../domain/containment';
import { newOverrideId } from '../domain/ids';
import { checkApprover, validateOverride } from '../domain/overrides';
import { RecallError, RecallErrorCode } from '../domain/recall-error';
import { CaseStore, type CaseRow, type OverrideRow } from '../store/case-store';
import { releasedEvent } from './case-messages';
import { CasePlaybook, viewsOfRows } from './case-playbook';

export interface OverrideRequestInput {
  recallId: string;
  kind: string;
  view: string;
  durationSeconds: number;
  reason: string;
  requestedBy: string;
  tokenId: string;
}

export interface OverrideApprovalInput {
  recallId: string;
  overrideId: string;
  approver: string;
  comment: string;
}

/** A case that can still change: it exists, is not closed, is not a drill. */
export async function lockChangeable(tx: EntityManager, recallId: string): Promise<CaseRow> {
  const c = await CaseStore.lock(tx, recallId);
  if (!c) throw new RecallError(RecallErrorCode.NotFound, `no recall case ${recallId}`);
  if (c.status === 'closed') throw new RecallError(RecallErrorCode.Closed, `recall ${c.id} is closed (${c.resolution ?? 'closed'}); it cannot change any more`);
  return c;
}

/**
 * Lowering protection takes two people: a waiver (one view, for a time) or a false positive
 * (every view, case closed) is stored pending and applied only when another principal approves.
 */
@Injectable()
export class OverrideService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly playbook: CasePlaybook,
  ) {}

  async request(input: OverrideRequestInput): Promise<string> {
    return this.dataSource.transaction(async (tx) => {
      const c = await lockChangeable(tx, input.recallId);
      const views = viewsOfRows(await CaseStore.enforcementsOf(tx, [c.id]));
      const valid = validateOverride({ kind: input.kind, view: input.view, durationSeconds: input.durationSeconds, reason: input.reason, requestedBy: input.requestedBy }, views);
      const now = new Date();
      const row: OverrideRow = {
        id: newOverrideId(),
        recallId: c.id,
        kind: valid.kind,
        view: valid.kind === 'waiver' ? valid.view : '',
        durationSeconds: valid.kind === 'waiver' ? valid.durationSeconds : 0,
        reason: valid.reason,
        requestedBy: input.requestedBy,
        requestedToken: input.tokenId,
        requestedAt: now,
        state: 'pending',
        approvalComment: '',
      };
      await CaseStore.insertOverride(tx, row);
      const what = valid.kind === 'waiver' ? `waiver of ${valid.view} for ${valid.durationSeconds}s` : 'false positive';
      await CaseStore.addTimeline(tx, [
        { recallId: c.id, at: now, kind: 'override-requested', actor: input.requestedBy, view: row.view, detail: `${row.id}: ${what} requested: ${valid.reason}; needs another person's approval` },
      ]);
      return c.id;
    });
  }

  async approve(input: OverrideApprovalInput): Promise<string> {
    return this.dataSource.transaction(async (tx) => {
      const c = await lockChangeable(tx, input.recallId);
      const o = await CaseStore.lockOverride(tx, c.id, input.overrideId);
      if (!o) throw new RecallError(RecallErrorCode.NotFound, `recall ${c.id} has no override ${input.overrideId}`);
      if (o.state !== 'pending') throw new RecallError(RecallErrorCode.OverrideNotPending, `override ${o.id} is ${o.state}, not pending`);
      checkApprover(o.requestedBy, input.approver);
      const now = new Date();
      if (o.kind === 'waiver') await this.applyWaiver(tx, c, o, input, now);
      else await this.applyFalsePositive(tx, c, o, input, now);
      return c.id;
    });
  }

  private async applyWaiver(tx: EntityManager, c: CaseRow, o: OverrideRow, input: OverrideApprovalInput, now: Date): Promise<void> {
    const until = new Date(now.getTime() + o.durationSeconds * 1000);
    await CaseStore.approveOverride(tx, o.id, input.approver, now, input.comment, until);
    const rows = (await CaseStore.enforcementsOf(tx, [c.id])).filter((r) => r.view === o.view && isQuarantining(r.state));
    const waived = await CaseStore.setEnforcementState(tx, c.id, rows, 'waived', now);
    const integrity = await integrities(tx, c.id);
    const reason = `Palisade recall ${c.id}: quarantine waived in ${o.view} until ${until.toISOString()} (requested by ${o.requestedBy}, approved by ${input.approver}): ${o.reason}`;
    await addAllToOutbox(
      tx,
      waived.map((r) => releasedEvent(c, { version: r.version, view: r.view, integrity: integrity.get(r.version) ?? '' }, reason, [input.approver], now)),
    );
    await CaseStore.addTimeline(tx, [
      { recallId: c.id, at: now, kind: 'override-approved', actor: input.approver, view: o.view, detail: `${o.id} (waiver) approved${input.comment ? `: ${input.comment}` : ''}` },
      { recallId: c.id, at: now, kind: 'waived', actor: input.approver, view: o.view, detail: `${waived.length} quarantines released in ${o.view} until ${until.toISOString()}` },
    ]);
    await this.playbook.checkContainment(tx, c, now);
  }

  private async applyFalsePositive(tx: EntityManager, c: CaseRow, o: OverrideRow, input: OverrideApprovalInput, now: Date): Promise<void> {
    await CaseStore.approveOverride(tx, o.id, input.approver, now, input.comment);
    const rows = (await CaseStore.enforcementsOf(tx, [c.id])).filter((r) => r.state !== 'released');
    // Waived rows were already released in their view; every other row needs a release now.
    const toRelease = rows.filter((r) => isQuarantining(r.state));
    await CaseStore.setEnforcementState(tx, c.id, rows, 'released', now);
    const integrity = await integrities(tx, c.id);
    const reason = `Palisade recall ${c.id} closed as a false positive (requested by ${o.requestedBy}, approved by ${input.approver}): ${o.reason}`;
    if (!c.drill) {
      await addAllToOutbox(
        tx,
        toRelease.map((r) => releasedEvent(c, { version: r.version, view: r.view, integrity: integrity.get(r.version) ?? '' }, reason, [input.approver], now)),
      );
    }
    await CaseStore.addTimeline(tx, [
      { recallId: c.id, at: now, kind: 'override-approved', actor: input.approver, view: '', detail: `${o.id} (false positive) approved${input.comment ? `: ${input.comment}` : ''}` },
    ]);
    await this.playbook.close(tx, c, 'false-positive', input.approver, o.reason, now);
  }
}

async function integrities(tx: EntityManager, recallId: string): Promise<Map<string, string>> {
  return new Map((await CaseStore.affectedOf(tx, [recallId])).map((a) => [a.version, a.integrity]));
}

import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { RecallResolution, timestampFromDate, type RecallCaseSchema, type RecallExposureSchema } from '@palisade/contracts';
import { DATA_SOURCE } from '@palisade/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { elapsedMs } from '../domain/measures';
import { RecallError, RecallErrorCode } from '../domain/recall-error';
import { triggerToProto } from '../domain/trigger';
import { CaseStore, type AffectedRow, type CaseRow, type CaseStatus, type EnforcementRow, type OverrideRow, type ResolutionWord, type TimelineRow } from '../store/case-store';
import { ExposureStore } from '../store/exposure-store';
import { viewsOfRows } from './case-playbook';
import { RollbackPlanner, type SuggestionInit } from './rollback-planner';

export type RecallCaseInit = MessageInitShape<typeof RecallCaseSchema>;
export type ExposureInit = MessageInitShape<typeof RecallExposureSchema>;

const RESOLUTION: Record<ResolutionWord, RecallResolution> = {
  contained: RecallResolution.CONTAINED,
  'false-positive': RecallResolution.FALSE_POSITIVE,
  cancelled: RecallResolution.CANCELLED,
};

const ts = (d: Date | undefined) => (d ? timestampFromDate(d) : undefined);

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

/** Cases as the API shows them: summaries for lists, everything (blast radius included) for one. */
@Injectable()
export class CaseReader {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** One case in full; RECALL_NOT_FOUND when there is none. */
  async show(recallId: string, db: EntityManager = this.dataSource.manager): Promise<RecallCaseInit> {
    const c = await CaseStore.find(db, recallId);
    if (!c) throw new RecallError(RecallErrorCode.NotFound, `no recall case ${recallId}`);
    const [affected, enforcements, timeline, overrides] = [
      await CaseStore.affectedOf(db, [c.id]),
      await CaseStore.enforcementsOf(db, [c.id]),
      await CaseStore.timelineOf(db, c.id),
      await CaseStore.overridesOf(db, [c.id]),
    ];
    const versions = affected.map((a) => a.version);
    const planner = await RollbackPlanner.load(db, c.name, versions);
    const views = viewsOfRows(enforcements);
    const suggestions: SuggestionInit[] = versions.flatMap((v) => views.map((view) => planner.suggestion(v, view, true)));
    const exposures = await this.exposures(db, c.name, versions, planner);
    return toProto(c, affected, enforcements, overrides, { timeline, suggestions, exposures });
  }

  /** Every downloader identity and every current deployment with an affected version. */
  async exposures(db: EntityManager, name: string, versions: readonly string[], planner: RollbackPlanner): Promise<ExposureInit[]> {
    const downloads = await ExposureStore.downloadsOf(db, name, versions);
    const deployments = await ExposureStore.deploymentsContaining(db, name, versions);
    return [
      ...downloads.map((d) => ({
        kind: 'download',
        identity: d.principal,
        tokenId: d.tokenId,
        userAgent: d.userAgent,
        view: d.view,
        name: d.name,
        version: d.version,
        count: Math.min(d.count, 0xffffffff),
        lastSeenAt: timestampFromDate(d.lastSeenAt),
        suggestion: planner.suggestion(d.version, d.view, true),
      })),
      ...deployments.map((d) => ({
        kind: 'deployment',
        identity: d.service,
        environment: d.environment,
        deploymentId: d.id,
        view: d.view,
        name: d.name,
        version: d.version,
        lastSeenAt: timestampFromDate(d.reportedAt),
        suggestion: planner.suggestion(d.version, d.view, d.direct),
      })),
    ];
  }

  /** Newest first; timeline, exposures and suggestions left empty. */
  async list(filter: { name: string; status: string; limit: number }): Promise<RecallCaseInit[]> {
    const problems: string[] = [];
    if (filter.status && !(['open', 'contained', 'closed'] as const).includes(filter.status as CaseStatus)) problems.push('status: must be open, contained or closed');
    if (problems.length) throw new RecallError(RecallErrorCode.InvalidRequest, 'invalid list filter', problems);
    const limit = Math.min(filter.limit > 0 ? filter.limit : DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    const db = this.dataSource.manager;
    const cases = await CaseStore.list(db, { ...(filter.name ? { name: filter.name } : {}), ...(filter.status ? { status: filter.status as CaseStatus } : {}), limit });
    const ids = cases.map((c) => c.id);
    const [affected, enforcements, overrides] = [await CaseStore.affectedOf(db, ids), await CaseStore.enforcementsOf(db, ids), await CaseStore.overridesOf(db, ids)];
    return cases.map((c) =>
      toProto(
        c,
        affected.filter((a) => a.recallId === c.id),
        enforcements.filter((e) => e.recallId === c.id),
        overrides.filter((o) => o.recallId === c.id),
        { timeline: [], suggestions: [], exposures: [] },
      ),
    );
  }
}

function toProto(
  c: CaseRow,
  affected: readonly AffectedRow[],
  enforcements: readonly EnforcementRow[],
  overrides: readonly OverrideRow[],
  extra: { timeline: readonly TimelineRow[]; suggestions: SuggestionInit[]; exposures: ExposureInit[] },
): RecallCaseInit {
  return {
    recallId: c.id,
    trigger: triggerToProto(c.trigger),
    advisoryId: c.advisoryId,
    severity: c.severity,
    reason: c.reason,
    affected: affected.map((a) => ({ name: a.name, version: a.version })),
    views: c.views,
    drill: c.drill,
    status: c.status,
    resolution: c.resolution ? RESOLUTION[c.resolution] : RecallResolution.UNSPECIFIED,
    evidenceJson: JSON.stringify(c.evidence),
    openedBy: c.openedBy,
    openedAt: timestampFromDate(c.openedAt),
    detectableSince: ts(c.detectableSince),
    containedAt: ts(c.containedAt),
    closedAt: ts(c.closedAt),
    timeToDetectMs: elapsedMs(c.detectableSince, c.openedAt),
    timeToContainMs: elapsedMs(c.openedAt, c.containedAt),
    timeline: extra.timeline.map((t) => ({ at: timestampFromDate(t.at), kind: t.kind, actor: t.actor, view: t.view, detail: t.detail })),
    enforcements: enforcements.map((e) => ({ name: e.name, version: e.version, view: e.view, mode: e.mode, state: e.state, enforcedAt: ts(e.enforcedAt) })),
    exposures: extra.exposures,
    suggestions: extra.suggestions,
    overrides: overrides.map((o) => ({
      id: o.id,
      kind: o.kind,
      view: o.view,
      until: ts(o.until),
      reason: o.reason,
      requestedBy: o.requestedBy,
      state: o.state,
      approvedBy: o.approvedBy ?? '',
      requestedAt: timestampFromDate(o.requestedAt),
      approvedAt: ts(o.approvedAt),
    })),
    steps: c.steps.map((s) => ({ step: s.step, durationMs: s.durationMs, detail: s.detail })),
  };
}

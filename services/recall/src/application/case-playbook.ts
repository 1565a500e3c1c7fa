import { Injectable } from '@nestjs/common';
import { RecallResolution, type Severity } from '@palisade/contracts';
import { addAllToOutbox, type OutboxEvent } from '@palisade/messaging';
import { quotedSchemaOf } from '@palisade/persistence';
import type { EntityManager } from 'typeorm';
import { isContained, isQuarantining } from '../domain/containment';
import { newRecallId } from '../domain/ids';
import { detectableSince } from '../domain/measures';
import { modeWord } from '../domain/quarantine';
import { maxSeverity, severityName } from '../domain/severity';
import { caseGroupKey, type TriggerWord } from '../domain/trigger';
import { CaseStore, type CaseRow, type EnforcementRow, type ResolutionWord, type TimelineRow } from '../store/case-store';
import { SERVICE_ACTOR, closedEvent, openedEvent, quarantinedEvent, recallAlert } from './case-messages';
import { modeOf, type ViewPolicy } from './policy-client';
import { RollbackPlanner } from './rollback-planner';
import type { StepClock } from './step-clock';

/** Advisory-lock class of the recall service (`RCL1`); the second key is a hash of what is locked. */
export const RECALL_LOCK_CLASS = 0x52434c31;

export interface AffectedInput {
  version: string;
  integrity: string;
  publishedAt?: Date;
  /** What points at this version (findings, integrities...), kept in the case's evidence. */
  evidence?: Record<string, unknown>;
}

/** Everything needed to open a case (or to add versions to the open case of the same group). */
export interface CaseOpening {
  name: string;
  trigger: TriggerWord;
  advisoryId: string;
  severity: Severity;
  reason: string;
  evidence: Record<string, unknown>;
  versions: readonly AffectedInput[];
  /** Views requested; empty for every view of the policy. */
  views: readonly string[];
  openedBy: string;
  drill: boolean;
  /** Later-than-publication moments detection became possible (advisory publication, detection). */
  signals: ReadonlyArray<Date | undefined>;
}

const RESOLUTION: Record<ResolutionWord, RecallResolution> = {
  contained: RecallResolution.CONTAINED,
  'false-positive': RecallResolution.FALSE_POSITIVE,
  cancelled: RecallResolution.CANCELLED,
};

/**
 * Serialises, per package, what decides a rollback suggestion: a case taking its suggestions and
 * an admission that could change them. Whichever comes second sees the other's commit, so a case
 * opened while a safe version is being admitted never keeps a message that names none.
 */
async function lockSuggestions(tx: EntityManager, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [RECALL_LOCK_CLASS, `${quotedSchemaOf(tx.connection)}:suggestions:${name}`]);
}

/** Views of a case's rows, in view order. */
export function viewsOfRows(rows: readonly Pick<EnforcementRow, 'view' | 'viewRank'>[]): string[] {
  const ranked = new Map<string, number>();
  for (const r of rows) if (!ranked.has(r.view)) ranked.set(r.view, r.viewRank);
  return [...ranked.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([view]) => view);
}

function byVersionEvidence(versions: readonly AffectedInput[]): Record<string, unknown> {
  return Object.fromEntries(versions.filter((v) => v.evidence).map((v) => [v.version, v.evidence]));
}

/**
 * The recall playbook inside one transaction: open a case (or grow the open case of its group),
 * plan a quarantine per affected version and view, emit the quarantines with each view's
 * rollback suggestion in their reason, announce the case and raise its alerts; track containment;
 * close. Every event goes to the outbox of the same transaction as the state it reflects.
 */
@Injectable()
export class CasePlaybook {
  /**
   * Automatic triggers: joins the case not yet closed with the same group key, or opens one. The
   * group is locked first, so two versions arriving at once end up in one case.
   */
  async openOrJoin(tx: EntityManager, opening: CaseOpening, policy: ViewPolicy, clock: StepClock): Promise<{ recallId: string; opened: boolean; added: string[] }> {
    const key = caseGroupKey(opening.trigger, opening.name, opening.advisoryId);
    if (key) {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [RECALL_LOCK_CLASS, `${quotedSchemaOf(tx.connection)}:${key}`]);
      const existing = await CaseStore.lockOpenByGroup(tx, key);
      if (existing) return { recallId: existing.id, opened: false, added: await this.join(tx, existing, opening, policy, new Date()) };
    }
    const c = await this.open(tx, opening, policy, clock, new Date());
    return { recallId: c.id, opened: true, added: opening.versions.map((v) => v.version) };
  }

  /** Opens a case: rows planned in every view in scope, quarantines emitted (none for a drill). */
  async open(tx: EntityManager, opening: CaseOpening, policy: ViewPolicy, clock: StepClock, now: Date): Promise<CaseRow> {
    await lockSuggestions(tx, opening.name);
    const views = opening.views.length > 0 ? policy.views.filter((v) => opening.views.includes(v)) : [...policy.views];
    const c: CaseRow = {
      id: newRecallId(),
      name: opening.name,
      trigger: opening.trigger,
      advisoryId: opening.advisoryId,
      ...(caseGroupKey(opening.trigger, opening.name, opening.advisoryId) && !opening.drill ? { groupKey: caseGroupKey(opening.trigger, opening.name, opening.advisoryId) } : {}),
      severity: opening.severity,
      reason: opening.reason,
      evidence: { ...opening.evidence, byVersion: byVersionEvidence(opening.versions) },
      views: opening.views.length > 0 ? views : [],
      drill: opening.drill,
      openedBy: opening.openedBy,
      openedAt: now,
      ...withDetectable(detectableSince(opening.versions.map((v) => v.publishedAt), opening.signals)),
      status: 'open',
      steps: [],
    };
    await CaseStore.insert(tx, c);
    await CaseStore.addAffected(tx, c.id, opening.versions.map((v) => ({ name: c.name, version: v.version, integrity: v.integrity, ...(v.publishedAt ? { publishedAt: v.publishedAt } : {}) })), now);
    const versions = opening.versions.map((v) => v.version);
    await clock.run(
      'plan-quarantines',
      () => CaseStore.planEnforcements(tx, planRows(c.id, c.name, versions, views, policy), now),
      () => `${versions.length * views.length} quarantines planned (${versions.length} versions x ${views.length} views: ${views.map((v) => `${v}=${modeWord(modeOf(policy, v))}`).join(', ')})`,
    );
    await clock.run(
      opening.drill ? 'publish (drill: alerts only)' : 'publish',
      async () => {
        const planner = await RollbackPlanner.load(tx, c.name, versions);
        const events: OutboxEvent[] = [];
        if (!c.drill) events.push(...quarantines(c, opening.versions, views, policy, planner, now));
        events.push(openedEvent(c, versions));
        events.push(recallAlert(c, 'opened', { versions, views }, `recall ${c.id} opened (${severityName(c.severity)}, ${c.trigger}) for ${c.name}@${versions.join(', ')}: ${c.reason}`, now));
        events.push(
          recallAlert(
            c,
            'enforced',
            { versions, views },
            `${c.drill ? 'would quarantine' : 'quarantining'} ${c.name}@${versions.join(', ')} in ${views.join(', ')} (recall ${c.id})`,
            now,
            { modes: views.map((v) => `${v}=${modeWord(modeOf(policy, v))}`).join(',') },
          ),
        );
        await addAllToOutbox(tx, events);
        return events.length;
      },
      (n) => `${n} events`,
    );
    await CaseStore.addTimeline(tx, [
      {
        recallId: c.id,
        at: now,
        kind: 'opened',
        actor: c.openedBy,
        view: '',
        detail: `${c.trigger} recall of ${c.name}@${versions.join(', ')} (${severityName(c.severity)}) in ${views.join(', ')}: ${c.reason}${c.drill ? ' [drill]' : ''}`,
      },
    ]);
    c.steps = [...clock.steps];
    await CaseStore.update(tx, c.id, { steps: c.steps });
    return c;
  }

  /** Adds the versions not yet covered to an open case, quarantined in its views; returns them. */
  async join(tx: EntityManager, c: CaseRow, opening: CaseOpening, policy: ViewPolicy, now: Date): Promise<string[]> {
    await lockSuggestions(tx, c.name);
    const added = await CaseStore.addAffected(
      tx,
      c.id,
      opening.versions.map((v) => ({ name: c.name, version: v.version, integrity: v.integrity, ...(v.publishedAt ? { publishedAt: v.publishedAt } : {}) })),
      now,
    );
    if (added.length === 0) return [];
    const inputs = opening.versions.filter((v) => added.includes(v.version));
    const views = c.views.length > 0 ? policy.views.filter((v) => c.views.includes(v)) : [...policy.views];
    await CaseStore.planEnforcements(tx, planRows(c.id, c.name, added, views, policy), now);
    const severity = maxSeverity(c.severity, opening.severity);
    const evidence = { ...c.evidence, byVersion: { ...((c.evidence.byVersion as Record<string, unknown> | undefined) ?? {}), ...byVersionEvidence(inputs) } };
    await CaseStore.update(tx, c.id, { severity, evidence, ...(c.status === 'contained' ? { status: 'open' as const } : {}) });
    const grown: CaseRow = { ...c, severity, evidence, status: c.status === 'contained' ? 'open' : c.status };
    const affected = (await CaseStore.affectedOf(tx, [c.id])).map((a) => a.version);
    const planner = await RollbackPlanner.load(tx, c.name, affected);
    await addAllToOutbox(tx, [
      ...quarantines(grown, inputs, views, policy, planner, now),
      recallAlert(grown, 'enforced', { versions: added, views }, `quarantining ${c.name}@${added.join(', ')} in ${views.join(', ')}: joined recall ${c.id}`, now, {
        modes: views.map((v) => `${v}=${modeWord(modeOf(policy, v))}`).join(','),
      }),
    ]);
    await CaseStore.addTimeline(tx, [
      { recallId: c.id, at: now, kind: 'version-added', actor: opening.openedBy, view: '', detail: `${c.name}@${added.join(', ')} joined the case: ${opening.reason}` },
    ]);
    return added;
  }

  /**
   * Marks the case contained once no row is still planned: status `contained` (an open case),
   * `contained_at` kept from the first time, timeline entry and alert. A closed case only gets
   * its `contained_at` measured.
   */
  async checkContainment(tx: EntityManager, c: CaseRow, at: Date): Promise<CaseRow> {
    if (c.drill) return c;
    const rows = await CaseStore.enforcementsOf(tx, [c.id]);
    if (!isContained(rows.map((r) => r.state))) return c;
    const containedAt = c.containedAt ?? at;
    if (c.status === 'closed') {
      if (!c.containedAt) await CaseStore.update(tx, c.id, { containedAt });
      return { ...c, containedAt };
    }
    if (c.status === 'contained') return c;
    await CaseStore.update(tx, c.id, { status: 'contained', containedAt });
    const versions = [...new Set(rows.map((r) => r.version))];
    const views = viewsOfRows(rows);
    await CaseStore.addTimeline(tx, [{ recallId: c.id, at, kind: 'contained', actor: SERVICE_ACTOR, view: '', detail: `every view serves the recall (${rows.length} quarantines)` }]);
    await addAllToOutbox(tx, [
      recallAlert(c, 'contained', { versions, views }, `recall ${c.id} contained: ${c.name}@${versions.join(', ')} quarantined in ${views.join(', ')}`, at, {
        timeToContainMs: String(Math.max(0, containedAt.getTime() - c.openedAt.getTime())),
      }),
    ]);
    return { ...c, status: 'contained', containedAt };
  }

  /** Closes a case with its resolution: `recall.closed` and a closed alert. Quarantines stay as they are. */
  async close(tx: EntityManager, c: CaseRow, resolution: ResolutionWord, by: string, reason: string, now: Date): Promise<CaseRow> {
    await CaseStore.update(tx, c.id, { status: 'closed', resolution, closedAt: now, closedBy: by, closeReason: reason });
    const rows = await CaseStore.enforcementsOf(tx, [c.id]);
    const versions = [...new Set(rows.map((r) => r.version))];
    const views = viewsOfRows(rows);
    const timeline: TimelineRow = { recallId: c.id, at: now, kind: 'closed', actor: by, view: '', detail: `${resolution}${reason ? `: ${reason}` : ''}` };
    await CaseStore.addTimeline(tx, [timeline]);
    await addAllToOutbox(tx, [
      closedEvent(c, RESOLUTION[resolution], reason, by, now),
      recallAlert(c, 'closed', { versions, views }, `recall ${c.id} closed (${resolution}) by ${by}${reason ? `: ${reason}` : ''}`, now, { resolution }),
    ]);
    return { ...c, status: 'closed', resolution, closedAt: now, closedBy: by, closeReason: reason };
  }

  /**
   * Records that a version of `name` was admitted to `view` (with `record`), then sends again the
   * quarantines in that view whose safe version it changed: a consumer told "no safe version" (or
   * an older one) when the case opened now learns where to go, e.g. once a fixed release is out.
   */
  async admitted(tx: EntityManager, name: string, view: string, record: () => Promise<void>, now: Date): Promise<void> {
    await lockSuggestions(tx, name);
    // Every admission passes here: one indexed query when the package has nothing quarantined.
    const rows = await CaseStore.quarantiningIn(tx, name, view);
    if (rows.length === 0) {
      await record();
      return;
    }
    const cases = (await Promise.all([...new Set(rows.map((r) => r.recallId))].map((id) => CaseStore.find(tx, id)))).filter((c): c is CaseRow => c !== undefined);
    const affected = await CaseStore.affectedOf(tx, cases.map((c) => c.id));
    const planners = () => Promise.all(cases.map((c) => RollbackPlanner.load(tx, name, affected.filter((a) => a.recallId === c.id).map((a) => a.version))));
    const before = await planners();
    await record();
    const after = await planners();
    for (const [i, c] of cases.entries()) {
      const changed = rows.filter((r) => r.recallId === c.id && before[i].to(r.version, view) !== after[i].to(r.version, view));
      await this.requarantine(tx, c, changed, now);
    }
  }

  /** Version.quarantined for rows put back in force (a waiver ended). */
  async requarantine(tx: EntityManager, c: CaseRow, rows: readonly EnforcementRow[], now: Date): Promise<void> {
    if (rows.length === 0 || c.drill) return;
    const affected = await CaseStore.affectedOf(tx, [c.id]);
    const integrity = new Map(affected.map((a) => [a.version, a.integrity]));
    const planner = await RollbackPlanner.load(tx, c.name, affected.map((a) => a.version));
    await addAllToOutbox(
      tx,
      rows.filter((r) => isQuarantining(r.state)).map((r) =>
        quarantinedEvent(c, { version: r.version, view: r.view, mode: r.mode, integrity: integrity.get(r.version) ?? '' }, planner.to(r.version, r.view), now),
      ),
    );
  }
}

function withDetectable(at: Date | undefined): { detectableSince?: Date } {
  return at ? { detectableSince: at } : {};
}

function planRows(recallId: string, name: string, versions: readonly string[], views: readonly string[], policy: ViewPolicy) {
  return versions.flatMap((version) =>
    views.map((view) => ({ recallId, name, version, view, viewRank: Math.max(0, policy.views.indexOf(view)), mode: modeOf(policy, view) })),
  );
}

function quarantines(c: CaseRow, versions: readonly AffectedInput[], views: readonly string[], policy: ViewPolicy, planner: RollbackPlanner, now: Date): OutboxEvent[] {
  return versions.flatMap((v) =>
    views.map((view) => quarantinedEvent(c, { version: v.version, view, mode: modeOf(policy, view), integrity: v.integrity }, planner.to(v.version, view), now)),
  );
}

import type { QuarantineMode, Severity } from '@palisade/contracts';
import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { EnforcementState } from '../domain/containment';
import type { OverrideKind, OverrideState } from '../domain/overrides';
import type { TriggerWord } from '../domain/trigger';

export type CaseStatus = 'open' | 'contained' | 'closed';
export type ResolutionWord = 'contained' | 'false-positive' | 'cancelled';

export interface StepRecord {
  step: string;
  durationMs: number;
  detail: string;
}

export interface CaseRow {
  id: string;
  name: string;
  trigger: TriggerWord;
  advisoryId: string;
  groupKey?: string;
  severity: Severity;
  reason: string;
  evidence: Record<string, unknown>;
  /** Views in scope as requested; empty when every view. */
  views: string[];
  drill: boolean;
  openedBy: string;
  openedAt: Date;
  detectableSince?: Date;
  status: CaseStatus;
  resolution?: ResolutionWord;
  containedAt?: Date;
  closedAt?: Date;
  closedBy?: string;
  closeReason?: string;
  steps: StepRecord[];
}

export interface AffectedRow {
  recallId: string;
  name: string;
  version: string;
  integrity: string;
  publishedAt?: Date;
  addedAt: Date;
}

export interface EnforcementRow {
  recallId: string;
  name: string;
  version: string;
  view: string;
  viewRank: number;
  mode: QuarantineMode;
  state: EnforcementState;
  generation: number;
  plannedAt: Date;
  enforcedAt?: Date;
}

export interface TimelineRow {
  recallId: string;
  at: Date;
  kind: string;
  actor: string;
  view: string;
  detail: string;
}

export interface OverrideRow {
  id: string;
  recallId: string;
  kind: OverrideKind;
  view: string;
  durationSeconds: number;
  reason: string;
  requestedBy: string;
  requestedToken: string;
  requestedAt: Date;
  state: OverrideState;
  approvedBy?: string;
  approvedAt?: Date;
  approvalComment: string;
  until?: Date;
  expiredAt?: Date;
}

interface CaseDbRow {
  id: string;
  name: string;
  trigger: TriggerWord;
  advisory_id: string;
  group_key: string | null;
  severity: Severity;
  reason: string;
  evidence: Record<string, unknown>;
  views: string[];
  drill: boolean;
  opened_by: string;
  opened_at: Date;
  detectable_since: Date | null;
  status: CaseStatus;
  resolution: ResolutionWord | null;
  contained_at: Date | null;
  closed_at: Date | null;
  closed_by: string | null;
  close_reason: string | null;
  steps: StepRecord[];
}

const CASE_COLUMNS = `id, name, trigger, advisory_id, group_key, severity, reason, evidence, views, drill, opened_by, opened_at, detectable_since,
  status, resolution, contained_at, closed_at, closed_by, close_reason, steps`;

function toCase(r: CaseDbRow): CaseRow {
  return {
    id: r.id,
    name: r.name,
    trigger: r.trigger,
    advisoryId: r.advisory_id,
    ...(r.group_key ? { groupKey: r.group_key } : {}),
    severity: r.severity,
    reason: r.reason,
    evidence: r.evidence ?? {},
    views: r.views ?? [],
    drill: r.drill,
    openedBy: r.opened_by,
    openedAt: r.opened_at,
    ...(r.detectable_since ? { detectableSince: r.detectable_since } : {}),
    status: r.status,
    ...(r.resolution ? { resolution: r.resolution } : {}),
    ...(r.contained_at ? { containedAt: r.contained_at } : {}),
    ...(r.closed_at ? { closedAt: r.closed_at } : {}),
    ...(r.closed_by ? { closedBy: r.closed_by } : {}),
    ...(r.close_reason ? { closeReason: r.close_reason } : {}),
    steps: r.steps ?? [],
  };
}

interface EnforcementDbRow {
  recall_id: string;
  name: string;
  version: string;
  view: string;
  view_rank: number;
  mode: QuarantineMode;
  state: EnforcementState;
  generation: number;
  planned_at: Date;
  enforced_at: Date | null;
}

const ENFORCEMENT_COLUMNS = 'recall_id, name, version, view, view_rank, mode, state, generation, planned_at, enforced_at';

const toEnforcement = (r: EnforcementDbRow): EnforcementRow => ({
  recallId: r.recall_id,
  name: r.name,
  version: r.version,
  view: r.view,
  viewRank: r.view_rank,
  mode: r.mode,
  state: r.state,
  generation: r.generation,
  plannedAt: r.planned_at,
  ...(r.enforced_at ? { enforcedAt: r.enforced_at } : {}),
});

interface OverrideDbRow {
  id: string;
  recall_id: string;
  kind: OverrideKind;
  view: string;
  duration_seconds: number;
  reason: string;
  requested_by: string;
  requested_token: string;
  requested_at: Date;
  state: OverrideState;
  approved_by: string | null;
  approved_at: Date | null;
  approval_comment: string;
  until: Date | null;
  expired_at: Date | null;
}

const OVERRIDE_COLUMNS = `id, recall_id, kind, view, duration_seconds, reason, requested_by, requested_token, requested_at, state, approved_by, approved_at,
  approval_comment, until, expired_at`;

const toOverride = (r: OverrideDbRow): OverrideRow => ({
  id: r.id,
  recallId: r.recall_id,
  kind: r.kind,
  view: r.view,
  durationSeconds: r.duration_seconds,
  reason: r.reason,
  requestedBy: r.requested_by,
  requestedToken: r.requested_token,
  requestedAt: r.requested_at,
  state: r.state,
  ...(r.approved_by ? { approvedBy: r.approved_by } : {}),
  ...(r.approved_at ? { approvedAt: r.approved_at } : {}),
  approvalComment: r.approval_comment,
  ...(r.until ? { until: r.until } : {}),
  ...(r.expired_at ? { expiredAt: r.expired_at } : {}),
});

/** Recall cases and everything hanging off them. Mutations lock the case row first (`lock`). */
export const CaseStore = {
  async insert(tx: EntityManager, c: CaseRow): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.recall_case (${CASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        c.id,
        c.name,
        c.trigger,
        c.advisoryId,
        c.groupKey ?? null,
        c.severity,
        c.reason,
        JSON.stringify(c.evidence),
        c.views,
        c.drill,
        c.openedBy,
        c.openedAt,
        c.detectableSince ?? null,
        c.status,
        c.resolution ?? null,
        c.containedAt ?? null,
        c.closedAt ?? null,
        c.closedBy ?? null,
        c.closeReason ?? null,
        JSON.stringify(c.steps),
      ],
    );
  },

  /** The case, its row locked until the transaction ends. */
  async lock(tx: EntityManager, id: string): Promise<CaseRow | undefined> {
    const s = quotedSchemaOf(tx.connection);
    const rows: CaseDbRow[] = await tx.query(`SELECT ${CASE_COLUMNS} FROM ${s}.recall_case WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toCase(rows[0]) : undefined;
  },

  async find(db: EntityManager, id: string): Promise<CaseRow | undefined> {
    const s = quotedSchemaOf(db.connection);
    const rows: CaseDbRow[] = await db.query(`SELECT ${CASE_COLUMNS} FROM ${s}.recall_case WHERE id = $1`, [id]);
    return rows[0] ? toCase(rows[0]) : undefined;
  },

  /** The case not yet closed with this group key, locked. */
  async lockOpenByGroup(tx: EntityManager, groupKey: string): Promise<CaseRow | undefined> {
    const s = quotedSchemaOf(tx.connection);
    const rows: CaseDbRow[] = await tx.query(`SELECT ${CASE_COLUMNS} FROM ${s}.recall_case WHERE group_key = $1 AND status <> 'closed' FOR UPDATE`, [groupKey]);
    return rows[0] ? toCase(rows[0]) : undefined;
  },

  async update(
    tx: EntityManager,
    id: string,
    patch: Partial<Pick<CaseRow, 'status' | 'resolution' | 'containedAt' | 'closedAt' | 'closedBy' | 'closeReason' | 'severity' | 'steps' | 'evidence'>>,
  ): Promise<void> {
    const columns: Record<string, string> = {
      status: 'status',
      resolution: 'resolution',
      containedAt: 'contained_at',
      closedAt: 'closed_at',
      closedBy: 'closed_by',
      closeReason: 'close_reason',
      severity: 'severity',
      steps: 'steps',
      evidence: 'evidence',
    };
    const sets: string[] = [];
    const values: unknown[] = [id];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      values.push(key === 'steps' || key === 'evidence' ? JSON.stringify(value) : value);
      sets.push(`${columns[key]} = $${values.length}`);
    }
    if (sets.length === 0) return;
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`UPDATE ${s}.recall_case SET ${sets.join(', ')} WHERE id = $1`, values);
  },

  /** Newest first; `name` and `status` filter when set. */
  async list(db: EntityManager, filter: { name?: string; status?: CaseStatus; limit: number }): Promise<CaseRow[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: CaseDbRow[] = await db.query(
      `SELECT ${CASE_COLUMNS} FROM ${s}.recall_case
        WHERE ($1::text IS NULL OR name = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY opened_at DESC, id LIMIT $3`,
      [filter.name ?? null, filter.status ?? null, filter.limit],
    );
    return rows.map(toCase);
  },

  /** Adds versions to a case; returns those that were not in it already. */
  async addAffected(tx: EntityManager, recallId: string, versions: ReadonlyArray<Omit<AffectedRow, 'recallId' | 'addedAt'>>, at: Date): Promise<string[]> {
    if (versions.length === 0) return [];
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ version: string }> = await tx.query(
      `INSERT INTO ${s}.affected_version (recall_id, name, version, integrity, published_at, added_at)
       SELECT $1::text, *, $6::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])
       ON CONFLICT (recall_id, version) DO NOTHING RETURNING version`,
      [recallId, versions.map((v) => v.name), versions.map((v) => v.version), versions.map((v) => v.integrity), versions.map((v) => v.publishedAt ?? null), at],
    );
    return rows.map((r) => r.version);
  },

  async affectedOf(db: EntityManager, recallIds: readonly string[]): Promise<AffectedRow[]> {
    if (recallIds.length === 0) return [];
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ recall_id: string; name: string; version: string; integrity: string; published_at: Date | null; added_at: Date }> = await db.query(
      `SELECT recall_id, name, version, integrity, published_at, added_at FROM ${s}.affected_version WHERE recall_id = ANY($1) ORDER BY added_at, version`,
      [recallIds],
    );
    return rows.map((r) => ({
      recallId: r.recall_id,
      name: r.name,
      version: r.version,
      integrity: r.integrity,
      ...(r.published_at ? { publishedAt: r.published_at } : {}),
      addedAt: r.added_at,
    }));
  },

  async planEnforcements(tx: EntityManager, rows: ReadonlyArray<Pick<EnforcementRow, 'recallId' | 'name' | 'version' | 'view' | 'viewRank' | 'mode'>>, at: Date): Promise<void> {
    if (rows.length === 0) return;
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.enforcement (recall_id, name, version, view, view_rank, mode, state, generation, planned_at, updated_at)
       SELECT r, n, v, w, k, m, 'planned', 1, $7::timestamptz, $7::timestamptz
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) AS t (r, n, v, w, k, m)
       ON CONFLICT (recall_id, version, view) DO NOTHING`,
      [rows.map((r) => r.recallId), rows.map((r) => r.name), rows.map((r) => r.version), rows.map((r) => r.view), rows.map((r) => r.viewRank), rows.map((r) => r.mode), at],
    );
  },

  async enforcementsOf(db: EntityManager, recallIds: readonly string[]): Promise<EnforcementRow[]> {
    if (recallIds.length === 0) return [];
    const s = quotedSchemaOf(db.connection);
    const rows: EnforcementDbRow[] = await db.query(
      `SELECT ${ENFORCEMENT_COLUMNS} FROM ${s}.enforcement WHERE recall_id = ANY($1) ORDER BY recall_id, view_rank, view, version`,
      [recallIds],
    );
    return rows.map(toEnforcement);
  },

  /** Moves rows to `state`; with `bump` their generation grows (a fresh quarantine to emit). */
  async setEnforcementState(
    tx: EntityManager,
    recallId: string,
    keys: ReadonlyArray<{ version: string; view: string }>,
    state: EnforcementState,
    at: Date,
    options: { bump?: boolean; enforcedAt?: Date } = {},
  ): Promise<EnforcementRow[]> {
    if (keys.length === 0) return [];
    const s = quotedSchemaOf(tx.connection);
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
    const [rows]: [EnforcementDbRow[], number] = await tx.query(
      `UPDATE ${s}.enforcement e SET state = $4, updated_at = $5, generation = e.generation + $6::int,
              enforced_at = CASE WHEN $7::timestamptz IS NOT NULL THEN $7::timestamptz WHEN $4 = 'planned' THEN NULL ELSE e.enforced_at END
         FROM unnest($2::text[], $3::text[]) AS k (version, view)
        WHERE e.recall_id = $1 AND e.version = k.version AND e.view = k.view
        RETURNING ${ENFORCEMENT_COLUMNS.split(', ')
          .map((c) => `e.${c}`)
          .join(', ')}`,
      [recallId, keys.map((k) => k.version), keys.map((k) => k.view), state, at, options.bump ? 1 : 0, options.enforcedAt ?? null],
    );
    return rows.map(toEnforcement);
  },

  /**
   * Views where a non-drill case (this one included) quarantines each version of the package:
   * rows still planned or enforced, whatever the case's status (a case closed as contained keeps
   * its quarantines).
   */
  async quarantinedViews(db: EntityManager, name: string): Promise<Map<string, string[]>> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ version: string; views: string[] }> = await db.query(
      `SELECT e.version, array_agg(DISTINCT e.view) AS views FROM ${s}.enforcement e JOIN ${s}.recall_case c ON c.id = e.recall_id
        WHERE e.name = $1 AND e.state IN ('planned', 'enforced') AND NOT c.drill GROUP BY e.version`,
      [name],
    );
    return new Map(rows.map((r) => [r.version, r.views]));
  },

  /** The rows of `name` still planned or enforced in `view`, drills left out. */
  async quarantiningIn(db: EntityManager, name: string, view: string): Promise<EnforcementRow[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: EnforcementDbRow[] = await db.query(
      `SELECT ${ENFORCEMENT_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')} FROM ${s}.enforcement e JOIN ${s}.recall_case c ON c.id = e.recall_id
        WHERE e.name = $1 AND e.view = $2 AND e.state IN ('planned', 'enforced') AND NOT c.drill`,
      [name, view],
    );
    return rows.map(toEnforcement);
  },

  async addTimeline(tx: EntityManager, entries: readonly TimelineRow[]): Promise<void> {
    if (entries.length === 0) return;
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.timeline (recall_id, at, kind, actor, view, detail)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [entries.map((e) => e.recallId), entries.map((e) => e.at), entries.map((e) => e.kind), entries.map((e) => e.actor), entries.map((e) => e.view), entries.map((e) => e.detail)],
    );
  },

  async timelineOf(db: EntityManager, recallId: string): Promise<TimelineRow[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ recall_id: string; at: Date; kind: string; actor: string; view: string; detail: string }> = await db.query(
      `SELECT recall_id, at, kind, actor, view, detail FROM ${s}.timeline WHERE recall_id = $1 ORDER BY id`,
      [recallId],
    );
    return rows.map((r) => ({ recallId: r.recall_id, at: r.at, kind: r.kind, actor: r.actor, view: r.view, detail: r.detail }));
  },

  async insertOverride(tx: EntityManager, o: OverrideRow): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.recall_override (id, recall_id, kind, view, duration_seconds, reason, requested_by, requested_token, requested_at, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [o.id, o.recallId, o.kind, o.view, o.durationSeconds, o.reason, o.requestedBy, o.requestedToken, o.requestedAt, o.state],
    );
  },

  async lockOverride(tx: EntityManager, recallId: string, id: string): Promise<OverrideRow | undefined> {
    const s = quotedSchemaOf(tx.connection);
    const rows: OverrideDbRow[] = await tx.query(`SELECT ${OVERRIDE_COLUMNS} FROM ${s}.recall_override WHERE recall_id = $1 AND id = $2 FOR UPDATE`, [recallId, id]);
    return rows[0] ? toOverride(rows[0]) : undefined;
  },

  async approveOverride(tx: EntityManager, id: string, by: string, at: Date, comment: string, until?: Date): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`UPDATE ${s}.recall_override SET state = 'approved', approved_by = $2, approved_at = $3, approval_comment = $4, until = $5 WHERE id = $1`, [
      id,
      by,
      at,
      comment,
      until ?? null,
    ]);
  },

  async expireOverride(tx: EntityManager, id: string, at: Date): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`UPDATE ${s}.recall_override SET state = 'expired', expired_at = $2 WHERE id = $1`, [id, at]);
  },

  async overridesOf(db: EntityManager, recallIds: readonly string[]): Promise<OverrideRow[]> {
    if (recallIds.length === 0) return [];
    const s = quotedSchemaOf(db.connection);
    const rows: OverrideDbRow[] = await db.query(`SELECT ${OVERRIDE_COLUMNS} FROM ${s}.recall_override WHERE recall_id = ANY($1) ORDER BY requested_at, id`, [recallIds]);
    return rows.map(toOverride);
  },

  /** Whether another approved waiver still holds the view of the case open at `now`. */
  async waiverStillActive(db: EntityManager, recallId: string, view: string, now: Date, except: string): Promise<boolean> {
    const s = quotedSchemaOf(db.connection);
    const rows: unknown[] = await db.query(
      `SELECT 1 FROM ${s}.recall_override WHERE recall_id = $1 AND view = $2 AND kind = 'waiver' AND state = 'approved' AND until > $3 AND id <> $4 LIMIT 1`,
      [recallId, view, now, except],
    );
    return rows.length > 0;
  },

  /** Open (not closed, not drill) cases covering any of these name@version pairs. */
  async openCasesAffecting(db: EntityManager, packages: ReadonlyArray<{ name: string; version: string }>): Promise<string[]> {
    if (packages.length === 0) return [];
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ id: string }> = await db.query(
      `SELECT DISTINCT c.id, c.opened_at FROM ${s}.recall_case c JOIN ${s}.affected_version a ON a.recall_id = c.id
         JOIN unnest($1::text[], $2::text[]) AS p (name, version) ON p.name = a.name AND p.version = a.version
        WHERE c.status <> 'closed' AND NOT c.drill ORDER BY c.opened_at, c.id`,
      [packages.map((p) => p.name), packages.map((p) => p.version)],
    );
    return rows.map((r) => r.id);
  },
};

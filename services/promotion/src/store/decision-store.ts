import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

export type DecisionOutcome = 'admitted' | 'refused' | 'pending' | 'dismissed';

export interface DecisionRecord {
  view: string;
  name: string;
  version: string;
  integrity: string;
  policyVersion: number;
  outcome: DecisionOutcome | string;
  reasons: readonly string[];
  /** What caused it: `event`, `request`, `approval`, `timer`, `policy`, `dry-run`. */
  trigger: string;
  actor?: string;
  dryRunId?: number;
}

/** Every decision the service made (or, in a dry run, would make), with its reasons. */
export const DecisionStore = {
  async latest(db: EntityManager, view: string, name: string, version: string): Promise<{ outcome: string; reasons: string[]; policyVersion: number } | undefined> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ outcome: string; reasons: string[]; policy_version: number }> = await db.query(
      `SELECT outcome, reasons, policy_version FROM ${s}.decision WHERE name = $1 AND version = $2 AND view = $3 AND dry_run_id IS NULL ORDER BY id DESC LIMIT 1`,
      [name, version, view],
    );
    return rows[0] ? { outcome: rows[0].outcome, reasons: rows[0].reasons, policyVersion: rows[0].policy_version } : undefined;
  },

  async record(tx: EntityManager, d: DecisionRecord): Promise<number> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ id: string }> = await tx.query(
      `INSERT INTO ${s}.decision (view, name, version, integrity, policy_version, outcome, reasons, trigger, actor, dry_run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [d.view, d.name, d.version, d.integrity, d.policyVersion, d.outcome, JSON.stringify(d.reasons), d.trigger, d.actor ?? '', d.dryRunId ?? null],
    );
    return Number(rows[0].id);
  },

  /** Records a decision unless the latest one for the version and view says the same. */
  async recordIfChanged(tx: EntityManager, d: DecisionRecord): Promise<number | undefined> {
    const last = await DecisionStore.latest(tx, d.view, d.name, d.version);
    if (last && last.outcome === d.outcome && last.policyVersion === d.policyVersion && JSON.stringify(last.reasons) === JSON.stringify(d.reasons)) return undefined;
    return DecisionStore.record(tx, d);
  },

  async startDryRun(tx: EntityManager, run: { digest: string; yaml: string; basedOn: number; requestedBy: string; comment: string }): Promise<number> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ id: string }> = await tx.query(
      `INSERT INTO ${s}.policy_dry_run (digest, yaml, based_on_version, requested_by, comment, summary) VALUES ($1, $2, $3, $4, $5, '{}') RETURNING id`,
      [run.digest, run.yaml, run.basedOn, run.requestedBy, run.comment],
    );
    return Number(rows[0].id);
  },

  async finishDryRun(tx: EntityManager, id: number, summary: Record<string, number>): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`UPDATE ${s}.policy_dry_run SET summary = $2 WHERE id = $1`, [id, JSON.stringify(summary)]);
  },
};

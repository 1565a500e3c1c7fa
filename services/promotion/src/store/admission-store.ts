import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { AdmissionRecord } from '../domain/plan-version';

export interface NewAdmission {
  view: string;
  name: string;
  version: string;
  integrity: string;
  policyVersion: number;
  approvers: readonly string[];
  reasons: readonly string[];
  requestedBy?: string;
}

/** Which version is admitted to which view, under which policy version, approved by whom. */
export const AdmissionStore = {
  async ofVersion(db: EntityManager, name: string, version: string): Promise<Map<string, AdmissionRecord>> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ view: string; policy_version: number; approvers: string[]; decision: string[]; admitted_at: Date }> = await db.query(
      `SELECT view, policy_version, approvers, decision, admitted_at FROM ${s}.admission WHERE name = $1 AND version = $2`,
      [name, version],
    );
    return new Map(rows.map((r) => [r.view, { policyVersion: r.policy_version, approvers: r.approvers, reasons: r.decision, admittedAt: r.admitted_at }]));
  },

  /** False when the version was already admitted to that view. */
  async insert(tx: EntityManager, a: NewAdmission): Promise<{ admittedAt: Date } | undefined> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ admitted_at: Date }> = await tx.query(
      `INSERT INTO ${s}.admission (view, name, version, integrity, policy_version, reason, approvers, decision, requested_by, admitted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, clock_timestamp()) ON CONFLICT (view, name, version) DO NOTHING RETURNING admitted_at`,
      [a.view, a.name, a.version, a.integrity, a.policyVersion, a.reasons.join('; '), a.approvers, JSON.stringify(a.reasons), a.requestedBy ?? null],
    );
    return rows[0] ? { admittedAt: rows[0].admitted_at } : undefined;
  },

  /**
   * Removes the admission; answers when, on the database clock as admissions are stamped, so a
   * reader of both events can order a removal and a later re-admission (they run under the
   * version's row lock, one after the other).
   */
  async remove(tx: EntityManager, view: string, name: string, version: string): Promise<Date> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`DELETE FROM ${s}.admission WHERE view = $1 AND name = $2 AND version = $3`, [view, name, version]);
    const rows: Array<{ at: Date }> = await tx.query('SELECT clock_timestamp() AS at');
    return rows[0].at;
  },
};

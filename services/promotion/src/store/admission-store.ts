import type { EntityManager } from 'typeorm';

export interface Admission {
  view: string;
  name: string;
  version: string;
  integrity: string;
  policyVersion: number;
  reason: string;
}

/** Records an admission; false when the version was already admitted to that view. */
export async function recordAdmission(tx: EntityManager, admission: Admission): Promise<boolean> {
  const rows: unknown[] = await tx.query(
    `INSERT INTO admission (view, name, version, integrity, policy_version, reason) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (view, name, version) DO NOTHING RETURNING view`,
    [admission.view, admission.name, admission.version, admission.integrity, admission.policyVersion, admission.reason],
  );
  return rows.length > 0;
}

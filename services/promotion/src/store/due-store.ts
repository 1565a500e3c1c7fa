import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** When a version must be looked at again without any event: its next minimum age. */
export const DueStore = {
  async set(tx: EntityManager, name: string, version: string, dueAt: Date | undefined): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    if (dueAt === undefined) {
      await tx.query(`DELETE FROM ${s}.reevaluation_due WHERE name = $1 AND version = $2`, [name, version]);
      return;
    }
    await tx.query(
      `INSERT INTO ${s}.reevaluation_due (name, version, due_at) VALUES ($1, $2, $3) ON CONFLICT (name, version) DO UPDATE SET due_at = EXCLUDED.due_at`,
      [name, version, dueAt],
    );
  },

  async dueBy(db: EntityManager, now: Date, limit: number): Promise<Array<{ name: string; version: string }>> {
    const s = quotedSchemaOf(db.connection);
    return db.query(`SELECT name, version FROM ${s}.reevaluation_due WHERE due_at <= $1 ORDER BY due_at LIMIT $2`, [now, limit]);
  },
};

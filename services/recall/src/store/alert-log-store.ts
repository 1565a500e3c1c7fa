import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

export interface LoggedAlert {
  seq: bigint;
  subject: string;
  /** The CloudEvent JSON exactly as published. */
  cloudevent: string;
}

interface Row {
  seq: string;
  subject: string;
  cloudevent: string;
}

const toAlert = (row: Row): LoggedAlert => ({ seq: BigInt(row.seq), subject: row.subject, cloudevent: row.cloudevent });

/** The alert log: append-only, one row per alert message, `seq` in commit order. */
export const AlertLogStore = {
  /**
   * Appends an alert unless its message id is already logged; the new `seq`, or undefined for a
   * duplicate. Appends are serialised (a transaction-scoped advisory lock), so sequence numbers
   * become visible in order and a reader's cursor never skips a row committed later.
   */
  async append(tx: EntityManager, alert: { messageId: string; eventId: string; subject: string; cloudevent: string }): Promise<bigint | undefined> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${s}.alert_log`]);
    const rows: Array<{ seq: string }> = await tx.query(
      `INSERT INTO ${s}.alert_log (message_id, event_id, subject, cloudevent) VALUES ($1, $2, $3, $4::json)
       ON CONFLICT (message_id) DO NOTHING RETURNING seq`,
      [alert.messageId, alert.eventId, alert.subject, alert.cloudevent],
    );
    return rows.length === 0 ? undefined : BigInt(rows[0].seq);
  },

  /** Alerts after `after` whose subject matches `subjectRegex` (all when undefined), oldest first. */
  async after(db: EntityManager, after: bigint, subjectRegex: string | undefined, limit: number): Promise<LoggedAlert[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: Row[] = await db.query(
      `SELECT seq, subject, cloudevent::text AS cloudevent FROM ${s}.alert_log
        WHERE seq > $1 AND ($2::text IS NULL OR subject ~ $2) ORDER BY seq LIMIT $3`,
      [after.toString(), subjectRegex ?? null, limit],
    );
    return rows.map(toAlert);
  },

  /** The newest `limit` alerts whose subject matches (all when undefined), oldest first. */
  async newest(db: EntityManager, subjectRegex: string | undefined, limit: number): Promise<LoggedAlert[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: Row[] = await db.query(
      `SELECT seq, subject, cloudevent::text AS cloudevent FROM ${s}.alert_log
        WHERE ($1::text IS NULL OR subject ~ $1) ORDER BY seq DESC LIMIT $2`,
      [subjectRegex ?? null, limit],
    );
    return rows.map(toAlert).reverse();
  },

  /** The highest sequence logged, 0 for an empty log. */
  async head(db: EntityManager): Promise<bigint> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ head: string }> = await db.query(`SELECT coalesce(max(seq), 0) AS head FROM ${s}.alert_log`);
    return BigInt(rows[0].head);
  },
};

import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

export type AlertDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A delivery taken by one worker for one attempt; `claim` proves it is still that worker's. */
export interface ClaimedDelivery {
  id: string;
  claim: string;
  webhookUrl: string;
  /** This attempt's number, from 1. */
  attempt: number;
  eventId: string;
  subject: string;
  /** The body to POST: the CloudEvent JSON exactly as logged. */
  cloudevent: string;
}

/** What one attempt came to, and what happens next. */
export interface AttemptOutcome {
  statusCode?: number;
  error?: string;
  durationMs: number;
  status: AlertDeliveryStatus;
  /** For `pending`: how long from now (the database's clock) to wait before the next attempt. */
  retryInMs?: number;
}

export interface AlertDeliveryView {
  id: string;
  alertSeq: bigint;
  webhookUrl: string;
  status: AlertDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

export interface AlertDeliveryAttemptView {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Webhook deliveries of logged alerts and their attempts. */
export const AlertDeliveryStore = {
  /** Queues one delivery per URL for the alert `seq`, in the caller's transaction. */
  async enqueue(tx: EntityManager, seq: bigint, urls: readonly string[]): Promise<void> {
    if (urls.length === 0) return;
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.alert_deliveries (alert_seq, webhook_url) SELECT $1, url FROM unnest($2::text[]) AS url ON CONFLICT (alert_seq, webhook_url) DO NOTHING`,
      [seq.toString(), urls],
    );
  },

  /**
   * Claims up to `limit` due deliveries for one attempt each: rows are locked with `FOR UPDATE
   * SKIP LOCKED` (replicas take different rows), counted, given a fresh claim and pushed
   * `leaseMs` into the future, and the transaction commits before any HTTP call. A worker that
   * dies mid-attempt leaves the row due again once the lease has passed.
   */
  async claimDue(dataSource: DataSource, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const s = quotedSchemaOf(dataSource);
    const claim = randomUUID();
    const rows: Array<{ id: string; webhook_url: string; attempts: number; event_id: string; subject: string; cloudevent: string }> = await dataSource.query(
      `WITH due AS (
         SELECT id FROM ${s}.alert_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), taken AS (
         UPDATE ${s}.alert_deliveries d
            SET attempts = d.attempts + 1, claim = $2, next_attempt_at = now() + $3 * interval '1 millisecond', updated_at = now()
           FROM due WHERE d.id = due.id
         RETURNING d.id, d.alert_seq, d.webhook_url, d.attempts
       )
       SELECT taken.id, taken.webhook_url, taken.attempts, l.event_id, l.subject, l.cloudevent::text AS cloudevent
         FROM taken JOIN ${s}.alert_log l ON l.seq = taken.alert_seq
        ORDER BY taken.id`,
      [limit, claim, leaseMs],
    );
    return rows.map((r) => ({ id: r.id, claim, webhookUrl: r.webhook_url, attempt: r.attempts, eventId: r.event_id, subject: r.subject, cloudevent: r.cloudevent }));
  },

  /**
   * Records an attempt and moves the delivery on, unless another worker has claimed it since
   * (its lease ran out): then only the attempt is kept. Returns whether the delivery was updated.
   */
  async recordAttempt(dataSource: DataSource, delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<boolean> {
    const s = quotedSchemaOf(dataSource);
    return dataSource.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO ${s}.alert_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (delivery_id, attempt) DO NOTHING`,
        [delivery.id, delivery.attempt, outcome.statusCode ?? null, outcome.error ?? null, Math.round(outcome.durationMs)],
      );
      const updated: unknown[] = await tx.query(
        `UPDATE ${s}.alert_deliveries
            SET status = $3, next_attempt_at = CASE WHEN $4::bigint IS NULL THEN next_attempt_at ELSE now() + $4::bigint * interval '1 millisecond' END, last_status_code = $5, last_error = $6, claim = NULL, updated_at = now()
          WHERE id = $1 AND claim = $2
        RETURNING id`,
        [delivery.id, delivery.claim, outcome.status, outcome.retryInMs === undefined ? null : Math.round(outcome.retryInMs), outcome.statusCode ?? null, outcome.error ?? null],
      );
      return updated.length > 0;
    });
  },

  /** Deliveries of one alert (operators and tests). */
  async ofAlert(db: EntityManager, seq: bigint): Promise<AlertDeliveryView[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ id: string; alert_seq: string; webhook_url: string; status: AlertDeliveryStatus; attempts: number; last_status_code: number | null; last_error: string | null }> =
      await db.query(`SELECT id, alert_seq, webhook_url, status, attempts, last_status_code, last_error FROM ${s}.alert_deliveries WHERE alert_seq = $1 ORDER BY id`, [seq.toString()]);
    return rows.map((r) => ({ id: r.id, alertSeq: BigInt(r.alert_seq), webhookUrl: r.webhook_url, status: r.status, attempts: r.attempts, lastStatusCode: r.last_status_code, lastError: r.last_error }));
  },

  async attemptsOf(db: EntityManager, deliveryId: string): Promise<AlertDeliveryAttemptView[]> {
    const s = quotedSchemaOf(db.connection);
    const rows: Array<{ attempt: number; status_code: number | null; error: string | null; duration_ms: number }> = await db.query(
      `SELECT attempt, status_code, error, duration_ms FROM ${s}.alert_delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [deliveryId],
    );
    return rows.map((r) => ({ attempt: r.attempt, statusCode: r.status_code, error: r.error, durationMs: r.duration_ms }));
  },
};

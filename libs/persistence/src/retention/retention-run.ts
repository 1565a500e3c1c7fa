import type { DataSource } from 'typeorm';
import { quotedSchemaOf } from '../schema-of';
import { planRetention, type RetentionRule } from './retention-rule';

export interface RetentionRunOptions {
  /** Rows per DELETE statement (default 5,000). */
  batchSize?: number;
  now?: Date;
  /** Checked between batches: a stopping service ends the run early, the rest waits for the next. */
  signal?: AbortSignal;
  /** Called after every batch that deleted rows (for a counter that moves while a long run goes on). */
  onDeleted?: (table: string, rows: number) => void;
}

/** What one run did: `ran` is false when another replica held the lock; rows deleted per table. */
export interface RetentionReport {
  ran: boolean;
  deleted: Record<string, number>;
}

export const DEFAULT_RETENTION_BATCH = 5_000;

/** The advisory lock key of a schema's retention: one run at a time across every replica. */
export function retentionLockName(schema: string): string {
  return `palisade-retention:${schema}`;
}

/**
 * Deletes what the rules no longer keep, in bounded batches, each its own short transaction, so
 * writers never wait on a long delete. A session advisory lock (held on one connection for the
 * run, released when it ends or the connection dies) lets one replica of a service run at a time;
 * the others return `ran: false` at once.
 */
export async function runRetention(dataSource: DataSource, rules: readonly RetentionRule[], options: RetentionRunOptions = {}): Promise<RetentionReport> {
  const schema = quotedSchemaOf(dataSource);
  const statements = planRetention(rules, { schema, now: options.now ?? new Date(), batchSize: options.batchSize ?? DEFAULT_RETENTION_BATCH });
  const deleted: Record<string, number> = Object.fromEntries(statements.map((s) => [s.table, 0]));
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [retentionLockName(schema)])) as Array<{ locked: boolean }>;
    if (!locked) return { ran: false, deleted: {} };
    try {
      for (const statement of statements) {
        for (;;) {
          if (options.signal?.aborted) return { ran: true, deleted };
          const count = (await runner.query(statement.sql, [...statement.params], true)).affected ?? 0;
          deleted[statement.table] += count;
          if (count > 0) options.onDeleted?.(statement.table, count);
          if (count < statement.params[1]) break;
        }
      }
      return { ran: true, deleted };
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [retentionLockName(schema)]);
    }
  } finally {
    await runner.release();
  }
}

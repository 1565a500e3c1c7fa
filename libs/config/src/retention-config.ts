import type { ConfigVar } from './config-definition';
import { defineConfig } from './config-definition';
import { duration, int } from './schemas';

/**
 * The smallest inbox retention accepted (other than 0, forever). A copy of an applied message can
 * arrive as long as a service can be down with an unacknowledged delivery or an outbox row
 * published but not marked sent; a week covers a long outage with a margin, a day would not.
 */
export const MIN_INBOX_RETENTION_DAYS = 7;

/** Retention of the tables every service has (outbox, inbox) and of the job that applies it. */
export const retentionConfigShape = {
  PALISADE_RETENTION_INTERVAL: {
    schema: duration({ minMs: 1_000, maxMs: 86_400_000 }).default(3_600_000),
    description:
      'How often each service deletes rows its retention settings no longer keep (ms, or 10m, 1h), in batches of PALISADE_RETENTION_BATCH_SIZE rows; one replica of a service runs at a time (PostgreSQL advisory lock).',
  },
  PALISADE_RETENTION_BATCH_SIZE: {
    schema: int({ min: 100, max: 100_000 }).default(5_000),
    description: 'Most rows one retention DELETE statement removes; each batch is its own short transaction.',
  },
  PALISADE_RETENTION_OUTBOX_DAYS: {
    schema: int({ min: 0, max: 36_500 }).default(7),
    description: 'Days a sent outbox row is kept after it was sent; 0 keeps them forever. Unsent rows are never deleted.',
  },
  PALISADE_RETENTION_INBOX_DAYS: {
    schema: int({ min: 0, max: 36_500 }).default(30),
    description: `Days a consumer remembers the id of a message it applied, to ignore copies; 0 keeps them forever, otherwise at least ${MIN_INBOX_RETENTION_DAYS}.`,
  },
} satisfies Record<string, ConfigVar>;

export const retentionConfig = defineConfig(retentionConfigShape, {
  rules: [
    (c) =>
      c.PALISADE_RETENTION_INBOX_DAYS > 0 && c.PALISADE_RETENTION_INBOX_DAYS < MIN_INBOX_RETENTION_DAYS
        ? [{ variable: 'PALISADE_RETENTION_INBOX_DAYS', message: `must be 0 (forever) or at least ${MIN_INBOX_RETENTION_DAYS}: a shorter inbox could apply a late copy of a message twice` }]
        : [],
  ],
});

/** The retention settings every service reads, resolved. */
export interface RetentionSettings {
  intervalMs: number;
  batchSize: number;
  outboxDays: number;
  inboxDays: number;
}

export function retentionSettings(config: Readonly<Record<string, unknown>>): RetentionSettings {
  return {
    intervalMs: config.PALISADE_RETENTION_INTERVAL as number,
    batchSize: config.PALISADE_RETENTION_BATCH_SIZE as number,
    outboxDays: config.PALISADE_RETENTION_OUTBOX_DAYS as number,
    inboxDays: config.PALISADE_RETENTION_INBOX_DAYS as number,
  };
}

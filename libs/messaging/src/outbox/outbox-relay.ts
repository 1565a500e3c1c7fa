import type { DataSource } from 'typeorm';
import type { Pool, PoolClient } from 'pg';
import { quotedSchemaOf } from '@palisade/persistence';
import type { MessageBus } from '../bus';
import { outboxChannel } from './outbox';

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (listener down, or rows left by a crash). */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

interface OutboxRow {
  position: string;
  id: string;
  subject: string;
  schema_name: string;
  headers: Record<string, string>;
  data: Buffer;
}

/**
 * Publishes committed outbox rows, in order, with their id as the broker's de-duplication key.
 * A relay that dies after publishing but before marking a row sent republishes it on restart;
 * the broker drops the copy (and consumers' inboxes would too).
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake: () => void = () => undefined;
  private listener?: PoolClient;
  private readonly schema: string;

  constructor(
    private readonly db: DataSource,
    private readonly bus: MessageBus,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.schema = quotedSchemaOf(db);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Publishes everything pending now; returns how many rows were sent. */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.publishBatch();
      total += sent;
      if (sent === 0) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.ensureListener();
        await this.flush();
      } catch (error: unknown) {
        this.options.onError?.(error);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 1_000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async publishBatch(): Promise<number> {
    return this.db.transaction(async (tx) => {
      // SKIP LOCKED lets several relay replicas share the table without sending a row twice at once.
      const rows: OutboxRow[] = await tx.query(
        `SELECT position, id, subject, schema_name, headers, data FROM ${this.schema}.outbox
          WHERE sent_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 100],
      );
      let sent = 0;
      for (const row of rows) {
        try {
          await this.bus.publish({ id: row.id, subject: row.subject, schema: row.schema_name, data: new Uint8Array(row.data), headers: row.headers });
        } catch (error: unknown) {
          await tx.query(`UPDATE ${this.schema}.outbox SET attempts = attempts + 1, last_error = $2 WHERE position = $1`, [row.position, (error as Error).message]);
          // Stop at the first failure so later events never overtake an earlier one.
          if (sent === 0) throw error;
          break;
        }
        await tx.query(`UPDATE ${this.schema}.outbox SET sent_at = now(), attempts = attempts + 1 WHERE position = $1`, [row.position]);
        sent += 1;
      }
      return sent;
    });
  }

  private async ensureListener(): Promise<void> {
    if (this.listener) return;
    const pool = (this.db.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    client.on('notification', () => this.wake());
    client.on('error', () => {
      if (this.listener === client) this.listener = undefined;
      client.release(true);
    });
    await client.query(`LISTEN "${outboxChannel(this.schema.slice(1, -1))}"`);
    this.listener = client;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await listener.query('UNLISTEN *').catch(() => undefined);
      listener.release();
    }
  }
}

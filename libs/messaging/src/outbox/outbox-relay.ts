import type { DataSource } from 'typeorm';
import type { Pool, PoolClient } from 'pg';
import { quotedSchemaOf } from '@palisade/persistence';
import type { MessageBus } from '../bus';
import { outboxChannel } from './outbox';

export interface OutboxRelayOptions {
  batchSize?: number;
  /** How long a claim keeps other relays off a row whose relay still has its session (default 60 s). */
  claimLeaseMs?: number;
  /** Fallback poll when no NOTIFY arrives (listener down, or rows left by a crash). */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

interface RelaySession {
  client: PoolClient;
  pid: number;
  listening: boolean;
  detach(): void;
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
 *
 * No lock or transaction is held while publishing, so a slow bus never blocks writers: the relay
 * claims a batch in one short statement (its own PostgreSQL session id and a lease), publishes,
 * and marks each row sent. Another relay skips rows claimed by a session that is still connected
 * and whose lease has not run out; a relay that died loses its session, and its claims with it.
 */
export class OutboxRelay {
  private running = false;
  /** Between start() and the end of stop(): the relay keeps its session; on its own, flush() returns it. */
  private started = false;
  private loop?: Promise<void>;
  private wake: () => void = () => undefined;
  /** The relay's own connection: it LISTENs, and its backend pid marks the relay's claims. */
  private session?: RelaySession;
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
    this.started = true;
    this.loop = this.run();
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Publishes everything pending now; returns how many rows were sent. */
  async flush(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const sent = await this.publishBatch();
        total += sent;
        if (sent === 0) return total;
      }
    } finally {
      // Used on its own (not started), the relay gives its connection back after each flush.
      if (!this.started) await this.releaseSession();
    }
  }

  private async releaseSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    if (session.listening) await session.client.query('UNLISTEN *').catch(() => undefined);
    session.detach();
    session.client.release();
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

  /**
   * Claims up to a batch of unsent rows in one statement (no transaction outlives it). SKIP LOCKED
   * and the claim columns let several relay replicas share the table without sending a row twice at once.
   */
  private async claim(session: { client: PoolClient; pid: number }): Promise<OutboxRow[]> {
    const result = await session.client.query<OutboxRow>(
      `UPDATE ${this.schema}.outbox SET claimed_by = $2, claimed_until = now() + $3 * interval '1 millisecond'
        WHERE position IN (
          SELECT o.position FROM ${this.schema}.outbox o
           WHERE o.sent_at IS NULL
             AND (o.claimed_by IS NULL OR o.claimed_by = $2 OR o.claimed_until < now()
                  OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = o.claimed_by))
           ORDER BY o.position LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING position, id, subject, schema_name, headers, data`,
      [this.options.batchSize ?? 100, session.pid, this.options.claimLeaseMs ?? 60_000],
    );
    return result.rows.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  }

  private async publishBatch(): Promise<number> {
    const session = await this.ensureSession();
    const rows = await this.claim(session);
    let sent = 0;
    try {
      for (const row of rows) {
        try {
          await this.bus.publish({ id: row.id, subject: row.subject, schema: row.schema_name, data: new Uint8Array(row.data), headers: row.headers });
        } catch (error: unknown) {
          await session.client.query(`UPDATE ${this.schema}.outbox SET attempts = attempts + 1, last_error = $2 WHERE position = $1`, [row.position, (error as Error).message]);
          // Stop at the first failure so later events never overtake an earlier one.
          if (sent === 0) throw error;
          break;
        }
        await session.client.query(`UPDATE ${this.schema}.outbox SET sent_at = now(), attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL WHERE position = $1`, [row.position]);
        sent += 1;
      }
    } finally {
      // Rows not sent go back at once (the next flush, or another relay, takes them in order).
      const left = rows.slice(sent).map((row) => row.position);
      if (left.length > 0) {
        await session.client
          .query(`UPDATE ${this.schema}.outbox SET claimed_by = NULL, claimed_until = NULL WHERE position = ANY($1::bigint[]) AND claimed_by = $2 AND sent_at IS NULL`, [left, session.pid])
          .catch(() => undefined);
      }
    }
    return sent;
  }

  private async ensureSession(): Promise<RelaySession> {
    if (this.session) return this.session;
    const pool = (this.db.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    const onNotification = () => this.wake();
    const onError = () => {
      if (this.session?.client !== client) return;
      this.session = undefined;
      client.off('notification', onNotification);
      client.off('error', onError);
      client.release(true);
    };
    client.on('notification', onNotification);
    client.on('error', onError);
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      this.session = { client, pid: rows[0].pid, listening: false, detach: () => (client.off('notification', onNotification), client.off('error', onError)) };
      return this.session;
    } catch (error: unknown) {
      client.off('notification', onNotification);
      client.off('error', onError);
      client.release(true);
      throw error;
    }
  }

  private async ensureListener(): Promise<void> {
    const session = await this.ensureSession();
    if (session.listening) return;
    await session.client.query(`LISTEN "${outboxChannel(this.schema.slice(1, -1))}"`);
    session.listening = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.started = false;
    await this.releaseSession();
  }
}

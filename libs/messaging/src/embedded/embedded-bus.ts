import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { PalisadeError } from '@palisade/errors';
import { openServiceStore } from '@palisade/persistence';
import { DEAD_LETTER_STREAM, deadLetterSubject, type BusHealth, type CommandHandler, type ConsumerSpec, type MessageBus, type MessageHandler, type RequestOptions, type StreamSpec, type Subscription } from '../bus';
import { MessageHeaders, type DeliveredMessage, type OutgoingMessage, type PublishResult, type Reply } from '../message';
import { decideAfterFailure, describeError, isBeyondLimit } from '../redelivery';
import { subjectFilterToRegex, subjectMatches } from '../subject-filter';
import { handleInConsumerSpan } from '../trace-context';
import { EmbeddedBusInit1764000000000 } from './embedded-bus.migration';
import { InProcessCommands } from './in-process-commands';

export interface EmbeddedBusOptions {
  /** PostgreSQL URL; the bus keeps its log in its own schema there, so it survives restarts. */
  url: string;
  schema?: string;
  /** How often idle consumers look for due redeliveries and expired leases. */
  pollIntervalMs?: number;
}

interface ClaimedRow {
  seq: string;
  id: string;
  subject: string;
  schema_name: string;
  headers: Record<string, string>;
  data: Buffer;
}

/**
 * The embedded adapter of the messaging port: one process, no NATS. Messages are rows of a
 * PostgreSQL log (fed by the outbox relays), so they survive a crash like JetStream's file store;
 * each durable consumer keeps per-message delivery state with the same ack, lease (ack wait),
 * backoff and dead-letter rules as the JetStream adapter.
 */
export class EmbeddedBus implements MessageBus {
  private readonly streams = new Map<string, StreamSpec>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly wakeups = new EventEmitter().setMaxListeners(0);
  private readonly commands = new InProcessCommands();
  private reachable = true;
  private closed = false;

  private constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    private readonly pollIntervalMs: number,
  ) {}

  static async open(options: EmbeddedBusOptions): Promise<EmbeddedBus> {
    const schema = options.schema ?? 'palisade_bus';
    const db = await openServiceStore({ url: options.url, schema, migrations: [EmbeddedBusInit1764000000000], applicationName: 'palisade-embedded-bus' });
    return new EmbeddedBus(db, `"${schema}"`, options.pollIntervalMs ?? 250);
  }

  async provision(streams: readonly StreamSpec[]): Promise<void> {
    for (const spec of [...streams, DEAD_LETTER_STREAM]) this.streams.set(spec.name, spec);
  }

  private streamFor(subject: string): StreamSpec {
    for (const spec of this.streams.values()) {
      if (spec.subjects.some((filter) => subjectMatches(filter, subject))) return spec;
    }
    throw new PalisadeError('MESSAGING_NO_STREAM', `no stream is provisioned for subject ${subject}`);
  }

  async publish(message: OutgoingMessage): Promise<PublishResult> {
    const stream = this.streamFor(message.subject);
    const headers = { ...message.headers, [MessageHeaders.eventId]: message.id, [MessageHeaders.schema]: message.schema };
    try {
      const rows: unknown[] = await this.db.query(
        `INSERT INTO ${this.schema}.message (id, stream, subject, schema_name, headers, data) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO NOTHING RETURNING seq`,
        [message.id, stream.name, message.subject, message.schema, JSON.stringify(headers), Buffer.from(message.data)],
      );
      this.reachable = true;
      this.wakeups.emit(stream.name);
      return { duplicate: rows.length === 0 };
    } catch (error: unknown) {
      this.reachable = false;
      throw new PalisadeError('MESSAGING_PUBLISH_FAILED', `publish to ${message.subject} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Subscription> {
    if (!this.streams.has(spec.stream)) throw new PalisadeError('MESSAGING_NO_STREAM', `stream ${spec.stream} is not provisioned`);
    const filter = subjectFilterToRegex(spec.filterSubject);
    await this.db.query(
      `INSERT INTO ${this.schema}.consumer (name, stream, filter_subject) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET stream = EXCLUDED.stream, filter_subject = EXCLUDED.filter_subject`,
      [spec.durable, spec.stream, spec.filterSubject],
    );
    let running = true;
    let wake: () => void = () => undefined;
    const onPublish = () => wake();
    this.wakeups.on(spec.stream, onPublish);
    const loop = (async () => {
      while (running && !this.closed) {
        let handled = 0;
        try {
          handled = await this.drainOnce(spec, filter, handler);
          this.reachable = true;
        } catch {
          // The database is away: keep the loop alive and try again after the poll interval.
          this.reachable = false;
        }
        if (handled === 0 && running) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.pollIntervalMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    })();
    const subscription: Subscription = {
      name: spec.durable,
      isRunning: () => running && !this.closed,
      stop: async () => {
        running = false;
        wake();
        this.wakeups.off(spec.stream, onPublish);
        await loop;
        this.subscriptions.delete(spec.durable);
      },
    };
    this.subscriptions.set(spec.durable, subscription);
    return subscription;
  }

  private async drainOnce(spec: ConsumerSpec, filter: string, handler: MessageHandler): Promise<number> {
    const rows: ClaimedRow[] = await this.db.query(
      `SELECT m.seq, m.id, m.subject, m.schema_name, m.headers, m.data
         FROM ${this.schema}.message m
         LEFT JOIN ${this.schema}.delivery d ON d.consumer = $1 AND d.seq = m.seq
        WHERE m.stream = $2 AND m.subject ~ $3
          AND m.seq > (SELECT ack_floor FROM ${this.schema}.consumer WHERE name = $1)
          AND (d.seq IS NULL OR (d.state = 'pending'
               AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now())
               AND (d.lease_until IS NULL OR d.lease_until <= now())))
        ORDER BY m.seq LIMIT 16`,
      [spec.durable, spec.stream, filter],
    );
    let handled = 0;
    for (const row of rows) {
      const attempt = await this.claim(spec, row.seq);
      if (attempt === null) continue;
      handled += 1;
      await this.deliver(spec, row, attempt, handler);
    }
    if (handled > 0) await this.advanceAckFloor(spec, filter);
    return handled;
  }

  /** Takes a lease on one delivery; null when another loop holds it or it is no longer pending. */
  private async claim(spec: ConsumerSpec, seq: string): Promise<number | null> {
    const rows: Array<{ attempts: number }> = await this.db.query(
      `INSERT INTO ${this.schema}.delivery (consumer, seq, attempts, state, lease_until)
       VALUES ($1, $2, 1, 'pending', now() + $3 * interval '1 millisecond')
       ON CONFLICT (consumer, seq) DO UPDATE SET attempts = delivery.attempts + 1, lease_until = EXCLUDED.lease_until
        WHERE delivery.state = 'pending' AND (delivery.lease_until IS NULL OR delivery.lease_until <= now())
       RETURNING attempts`,
      [spec.durable, seq, spec.ackWaitMs],
    );
    return rows.length ? rows[0].attempts : null;
  }

  private async deliver(spec: ConsumerSpec, row: ClaimedRow, attempt: number, handler: MessageHandler): Promise<void> {
    const message: DeliveredMessage = {
      id: row.id,
      subject: row.subject,
      schema: row.schema_name,
      data: new Uint8Array(row.data),
      headers: row.headers,
      attempt,
      working: () => {
        void this.db
          .query(`UPDATE ${this.schema}.delivery SET lease_until = now() + $3 * interval '1 millisecond' WHERE consumer = $1 AND seq = $2 AND state = 'pending'`, [spec.durable, row.seq, spec.ackWaitMs])
          .catch(() => undefined);
      },
    };
    if (isBeyondLimit(spec, attempt)) {
      await this.deadLetter(spec, row.seq, message, { code: 'DELIVERY_LIMIT', message: `delivered ${attempt} times without an outcome (handler process died)` });
      return;
    }
    try {
      await handleInConsumerSpan(spec.durable, message, handler);
    } catch (error: unknown) {
      const outcome = decideAfterFailure(spec, attempt, error);
      if (outcome.kind === 'retry') {
        await this.db.query(
          `UPDATE ${this.schema}.delivery SET lease_until = NULL, next_attempt_at = now() + $3 * interval '1 millisecond', last_error = $4 WHERE consumer = $1 AND seq = $2`,
          [spec.durable, row.seq, outcome.delayMs, describeError(error).message],
        );
        return;
      }
      await this.deadLetter(spec, row.seq, message, describeError(error));
      return;
    }
    await this.db.query(`UPDATE ${this.schema}.delivery SET state = 'acked', lease_until = NULL WHERE consumer = $1 AND seq = $2`, [spec.durable, row.seq]);
  }

  private async deadLetter(spec: ConsumerSpec, seq: string, message: DeliveredMessage, error: { code: string; message: string }): Promise<void> {
    const errorText = error.message.replace(/[\r\n]+/g, ' ').slice(0, 1024);
    const headers = {
      ...message.headers,
      [MessageHeaders.eventId]: `${spec.durable}:${message.id}`,
      [MessageHeaders.errorCode]: error.code,
      [MessageHeaders.errorMessage]: errorText,
      [MessageHeaders.deadLetterSubject]: message.subject,
      [MessageHeaders.deadLetterConsumer]: spec.durable,
      [MessageHeaders.deadLetterAttempts]: String(message.attempt),
    };
    // The dead letter and the delivery's final state are one transaction: neither exists without the other.
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO ${this.schema}.message (id, stream, subject, schema_name, headers, data) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
        [`${spec.durable}:${message.id}`, DEAD_LETTER_STREAM.name, deadLetterSubject(spec.stream, spec.durable), message.schema, JSON.stringify(headers), Buffer.from(message.data)],
      );
      await tx.query(`UPDATE ${this.schema}.delivery SET state = 'dead', lease_until = NULL, last_error = $3 WHERE consumer = $1 AND seq = $2`, [spec.durable, seq, errorText]);
    });
    this.wakeups.emit(DEAD_LETTER_STREAM.name);
  }

  /**
   * Moves the consumer's floor past messages it has finished, so claims stay cheap. Only
   * messages older than a few seconds count: a sequence number is taken before its insert
   * commits, and a late commit must never land below the floor.
   */
  private async advanceAckFloor(spec: ConsumerSpec, filter: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.schema}.consumer c SET ack_floor = GREATEST(c.ack_floor, LEAST(
          COALESCE((SELECT min(m.seq) - 1 FROM ${this.schema}.message m
                     LEFT JOIN ${this.schema}.delivery d ON d.consumer = c.name AND d.seq = m.seq
                    WHERE m.stream = c.stream AND m.seq > c.ack_floor AND m.subject ~ $2
                      AND (d.state IS NULL OR d.state = 'pending')), 9223372036854775807),
          COALESCE((SELECT max(m.seq) FROM ${this.schema}.message m
                    WHERE m.stream = c.stream AND m.published_at < now() - interval '10 seconds'), c.ack_floor)))
        WHERE c.name = $1`,
      [spec.durable, filter],
    );
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Reply> {
    return this.commands.request(subject, data, options);
  }

  async serve(subject: string, handler: CommandHandler): Promise<Subscription> {
    const subscription = this.commands.serve(subject, handler);
    this.subscriptions.set(subscription.name, subscription);
    return subscription;
  }

  health(): BusHealth {
    const subscriptions: Record<string, boolean> = {};
    for (const [name, sub] of this.subscriptions) subscriptions[name] = sub.isRunning();
    return { connected: !this.closed && this.reachable && this.db.isInitialized, subscriptions };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const sub of [...this.subscriptions.values()]) await sub.stop();
    this.closed = true;
    await this.db.destroy();
  }
}

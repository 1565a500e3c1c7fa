import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { PalisadeError } from '@palisade/errors';
import { openServiceStore } from '@palisade/persistence';
import { DEAD_LETTER_STREAM, deadLetterSubject, type BusHealth, type CommandHandler, type ConsumerBacklog, type ConsumerSpec, type MessageBus, type MessageHandler, type RequestOptions, type StreamSpec, type Subscription } from '../bus';
import { DeadLetterNotices, deadLetterAlert, deadLetterOf, raisesAlert, type DeadLetterListener } from '../dead-letter-notice';
import { MessageHeaders, type DeliveredMessage, type OutgoingMessage, type PublishResult, type Reply } from '../message';
import { decideAfterFailure, describeError, isBeyondLimit } from '../redelivery';
import { subjectFilterToRegex, subjectMatches } from '../subject-filter';
import type { DeadLetterQueue } from '../dead-letters/dead-letter';
import { StoreDeadLetterQueue } from '../dead-letters/dead-letter-queue';
import { deadLetterMessageId, redrivenToAnother } from '../dead-letters/dead-letter-rules';
import { EmbeddedDeadLetterStore } from '../dead-letters/embedded-dead-letters';
import { MESSAGE_ROW } from './message-row';
import { handleInConsumerSpan } from '../trace-context';
import { EmbeddedBusInit1764000000000, EmbeddedBusDeliveryState1764000000002 } from './embedded-bus.migration';
import { InProcessCommands } from './in-process-commands';
import { pollDelay } from './poll-delay';
import { WakeSignal } from './wake-signal';

export interface EmbeddedBusOptions {
  /** PostgreSQL URL; the bus keeps its log in its own schema there, so it survives restarts. */
  url: string;
  schema?: string;
  /** How often a consumer looks again while it has deliveries in hand or the database is away (default 250 ms). */
  pollIntervalMs?: number;
  /**
   * How often an idle consumer looks for messages another process wrote (this process's own
   * publishes and retries wake it on time). Default 5 s; `pollIntervalMs` when only that is given,
   * for processes that share the bus with others and want their messages soon.
   */
  idlePollIntervalMs?: number;
  /** How often the streams' `maxAgeMs` / `maxBytes` limits are applied (default 60 s). */
  retentionIntervalMs?: number;
}

/** How often a consumer that handled nothing moves its ack floor. */
const IDLE_FLOOR_MS = 10_000;

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
  private readonly consumers = new Map<string, ConsumerSpec>();
  /** Per consumer: the last sequence number allocated at its previous floor move, and the transactions then in flight. */
  private readonly horizons = new Map<string, { limit: string; inFlight: string[] }>();
  private readonly floorMovedAt = new Map<string, number>();
  /** Per consumer: when the retries this process scheduled fall due. */
  private readonly retriesDue = new Map<string, number[]>();
  private readonly notices = new DeadLetterNotices();
  private deadLetterQueue?: DeadLetterQueue;
  private reachable = true;
  private closed = false;

  private retention?: NodeJS.Timeout;
  private retentionRun?: Promise<void>;

  private constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    private readonly pollIntervalMs: number,
    private readonly idlePollIntervalMs: number,
    retentionIntervalMs: number,
  ) {
    this.retention = setInterval(() => {
      this.retentionRun ??= this.enforceLimits()
        .catch(() => undefined)
        .finally(() => (this.retentionRun = undefined));
    }, retentionIntervalMs);
    this.retention.unref();
  }

  static async open(options: EmbeddedBusOptions): Promise<EmbeddedBus> {
    const schema = options.schema ?? 'palisade_bus';
    const db = await openServiceStore({ url: options.url, schema, migrations: [EmbeddedBusInit1764000000000, EmbeddedBusDeliveryState1764000000002], applicationName: 'palisade-embedded-bus' });
    const idlePollIntervalMs = options.idlePollIntervalMs ?? options.pollIntervalMs ?? 5_000;
    return new EmbeddedBus(db, `"${schema}"`, options.pollIntervalMs ?? 250, idlePollIntervalMs, options.retentionIntervalMs ?? 60_000);
  }

  async provision(streams: readonly StreamSpec[]): Promise<void> {
    for (const spec of [...streams, DEAD_LETTER_STREAM]) this.streams.set(spec.name, spec);
  }

  /** The streams this bus knows (what a restarted process provisions again). */
  provisioned(): StreamSpec[] {
    return [...this.streams.values()];
  }

  private streamForOrNone(subject: string): StreamSpec | undefined {
    for (const spec of this.streams.values()) {
      if (spec.subjects.some((filter) => subjectMatches(filter, subject))) return spec;
    }
    return undefined;
  }

  private streamFor(subject: string): StreamSpec {
    const found = this.streamForOrNone(subject);
    if (found) return found;
    throw new PalisadeError('MESSAGING_NO_STREAM', `no stream is provisioned for subject ${subject}`);
  }

  async publish(message: OutgoingMessage): Promise<PublishResult> {
    const stream = this.streamFor(message.subject);
    const headers = { ...message.headers, [MessageHeaders.eventId]: message.id, [MessageHeaders.schema]: message.schema };
    try {
      const rows: unknown[] = await this.db.query(
        `INSERT INTO ${this.schema}.message (id, stream, subject, schema_name, headers, data) ${MESSAGE_ROW}
         ON CONFLICT (id) DO NOTHING RETURNING seq`,
        [message.id, stream.name, message.subject, message.schema, JSON.stringify(headers), Buffer.from(message.data)],
      );
      this.reachable = true;
      this.wakeups.emit(stream.name, message.subject);
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
    /** Deliveries in their handler: at most `spec.concurrency` (default 1, one at a time in order). */
    const inFlight = new Set<Promise<void>>();
    // A publish while the loop drains is not lost: its query may have run before the message was there.
    const signal = new WakeSignal();
    // Only a message this consumer takes wakes it: a stream has many consumers, and a drain query
    // per consumer per message was most of the bus's work (subject unknown: wake to be safe).
    const onPublish = (subject?: string) => {
      if (subject === undefined || subjectMatches(spec.filterSubject, subject)) signal.wake();
    };
    this.wakeups.on(spec.stream, onPublish);
    const loop = (async () => {
      while (running && !this.closed) {
        let handled = 0;
        let reached = true;
        signal.reset();
        const drainStartedAt = Date.now();
        try {
          handled = await this.drainOnce(spec, filter, handler, inFlight);
          this.reachable = true;
        } catch {
          // The database is away: keep the loop alive and try again after the poll interval.
          this.reachable = false;
          reached = false;
        }
        if (handled === 0 && running) {
          const delay = pollDelay({
            now: Date.now(),
            inFlight: inFlight.size,
            reachable: reached,
            retryDueAt: this.nextRetryDue(spec.durable, drainStartedAt),
            pollMs: this.pollIntervalMs,
            idlePollMs: this.idlePollIntervalMs,
          });
          await signal.sleep(delay);
        }
      }
    })();
    const subscription: Subscription = {
      name: spec.durable,
      isRunning: () => running && !this.closed,
      stop: async () => {
        running = false;
        signal.wake();
        this.wakeups.off(spec.stream, onPublish);
        await loop;
        await Promise.allSettled(inFlight);
        this.subscriptions.delete(spec.durable);
        this.consumers.delete(spec.durable);
        this.retriesDue.delete(spec.durable);
      },
    };
    this.subscriptions.set(spec.durable, subscription);
    this.consumers.set(spec.durable, spec);
    return subscription;
  }

  private async drainOnce(spec: ConsumerSpec, filter: string, handler: MessageHandler, inFlight: Set<Promise<void>>): Promise<number> {
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
    const slots = Math.max(1, spec.concurrency ?? 1);
    let handled = 0;
    for (const row of rows) {
      // A row is claimed only when a handler slot is free; the next query skips rows still leased.
      while (inFlight.size >= slots) await Promise.race(inFlight);
      const claimed = await this.claim(spec, row.seq);
      if (claimed === null) continue;
      handled += 1;
      const delivery: Promise<void> = this.deliver(spec, row, claimed, handler)
        .catch(() => {
          // The database went away while settling: the lease runs out and the message comes again.
          this.reachable = false;
        })
        .finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }
    // Idle consumers move their floor too (at most every IDLE_FLOOR_MS): a consumer whose subjects
    // see no traffic must not scan the whole stream on every wake-up, nor query twice per wake-up.
    const now = Date.now();
    if (handled > 0 || now - (this.floorMovedAt.get(spec.durable) ?? 0) >= IDLE_FLOOR_MS) {
      this.floorMovedAt.set(spec.durable, now);
      await this.advanceAckFloor(spec, filter);
    }
    return handled;
  }

  /** The earliest retry still to come; those due before the last drain started were its to find. */
  private nextRetryDue(durable: string, drainStartedAt: number): number | undefined {
    const due = (this.retriesDue.get(durable) ?? []).filter((at) => at > drainStartedAt);
    this.retriesDue.set(durable, due);
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  /** Takes a lease on one delivery; null when another loop holds it or it is no longer pending. */
  private async claim(spec: ConsumerSpec, seq: string): Promise<{ attempt: number; transientFailures: number } | null> {
    const rows: Array<{ attempts: number; transient_failures: number }> = await this.db.query(
      `INSERT INTO ${this.schema}.delivery (consumer, seq, attempts, state, lease_until)
       VALUES ($1, $2, 1, 'pending', now() + $3 * interval '1 millisecond')
       ON CONFLICT (consumer, seq) DO UPDATE SET attempts = delivery.attempts + 1, lease_until = EXCLUDED.lease_until
        WHERE delivery.state = 'pending' AND (delivery.lease_until IS NULL OR delivery.lease_until <= now())
       RETURNING attempts, transient_failures`,
      [spec.durable, seq, spec.ackWaitMs],
    );
    return rows.length ? { attempt: rows[0].attempts, transientFailures: rows[0].transient_failures } : null;
  }

  private async deliver(spec: ConsumerSpec, row: ClaimedRow, { attempt, transientFailures }: { attempt: number; transientFailures: number }, handler: MessageHandler): Promise<void> {
    const message: DeliveredMessage = {
      // A redriven message keeps its original event id in the header (its row id is the redrive's).
      id: row.headers[MessageHeaders.eventId] ?? row.id,
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
    if (redrivenToAnother(row.headers, spec.durable)) {
      await this.db.query(`UPDATE ${this.schema}.delivery SET state = 'acked', lease_until = NULL WHERE consumer = $1 AND seq = $2`, [spec.durable, row.seq]);
      return;
    }
    if (isBeyondLimit(spec, attempt, transientFailures)) {
      await this.deadLetter(spec, row.seq, message, { code: 'DELIVERY_LIMIT', message: `delivered ${attempt} times without an outcome (handler process died)` });
      return;
    }
    try {
      await handleInConsumerSpan(spec.durable, message, handler);
    } catch (error: unknown) {
      const outcome = decideAfterFailure(spec, attempt - transientFailures, error, attempt);
      if (outcome.kind === 'retry') {
        await this.db.query(
          `UPDATE ${this.schema}.delivery SET lease_until = NULL, next_attempt_at = now() + $3 * interval '1 millisecond', last_error = $4,
                  transient_failures = transient_failures + $5 WHERE consumer = $1 AND seq = $2`,
          [spec.durable, row.seq, outcome.delayMs, describeError(error).message, outcome.transient ? 1 : 0],
        );
        this.retriesDue.set(spec.durable, [...(this.retriesDue.get(spec.durable) ?? []), Date.now() + outcome.delayMs]);
        return;
      }
      await this.deadLetter(spec, row.seq, message, describeError(error));
      return;
    }
    await this.db.query(`UPDATE ${this.schema}.delivery SET state = 'acked', lease_until = NULL WHERE consumer = $1 AND seq = $2`, [spec.durable, row.seq]);
  }

  private async deadLetter(spec: ConsumerSpec, seq: string, message: DeliveredMessage, error: { code: string; message: string }): Promise<void> {
    const dead = deadLetterOf(spec, message, error);
    const deadLetterId = deadLetterMessageId(spec.durable, message);
    const headers: Record<string, string> = { ...dead.headers, [MessageHeaders.eventId]: deadLetterId };
    const notice = dead.notice;
    const alert = deadLetterAlert(notice, 'embedded');
    const alertStream = raisesAlert(notice) ? this.streamForOrNone(alert.subject) : undefined;
    // The dead letter, its alert and the delivery's final state are one transaction: none exists without the others.
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO ${this.schema}.message (id, stream, subject, schema_name, headers, data) ${MESSAGE_ROW} ON CONFLICT (id) DO NOTHING`,
        [deadLetterId, DEAD_LETTER_STREAM.name, deadLetterSubject(spec.stream, spec.durable), message.schema, JSON.stringify(headers), Buffer.from(message.data)],
      );
      if (alertStream) {
        await tx.query(
          `INSERT INTO ${this.schema}.message (id, stream, subject, schema_name, headers, data) ${MESSAGE_ROW} ON CONFLICT (id) DO NOTHING`,
          [alert.id, alertStream.name, alert.subject, alert.schema, JSON.stringify({ ...alert.headers, [MessageHeaders.eventId]: alert.id, [MessageHeaders.schema]: alert.schema }), Buffer.from(alert.data)],
        );
      }
      await tx.query(`UPDATE ${this.schema}.delivery SET state = 'dead', lease_until = NULL, last_error = $3 WHERE consumer = $1 AND seq = $2`, [spec.durable, seq, headers[MessageHeaders.errorMessage]]);
    });
    this.wakeups.emit(DEAD_LETTER_STREAM.name, deadLetterSubject(spec.stream, spec.durable));
    if (alertStream) this.wakeups.emit(alertStream.name, alert.subject);
    this.notices.emit(notice);
  }

  /**
   * Moves the consumer's floor past messages it has finished, so claims stay cheap. A sequence
   * number is taken before its insert commits, so a late commit can land below a number already
   * seen: the floor never passes a *horizon*, the last sequence number allocated when the previous
   * call ran, and only once every transaction in flight at that moment has ended (then every
   * number up to the horizon is either visible or will never be). Nothing waits on writers.
   */
  private async advanceAckFloor(spec: ConsumerSpec, filter: string): Promise<void> {
    const previous = this.horizons.get(spec.durable);
    const rows: Array<{ allocated: string; in_flight: string[]; still_running: string[] }> = await this.db.query(
      `SELECT (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM ${this.schema}.message_seq_seq)::text AS allocated,
              ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x) AS in_flight,
              ARRAY(SELECT x::text FROM unnest($1::xid8[]) x WHERE pg_xact_status(x) = 'in progress') AS still_running`,
      [previous?.inFlight ?? []],
    );
    const now = rows[0];
    if (previous && now.still_running.length > 0) return;
    this.horizons.set(spec.durable, { limit: now.allocated, inFlight: now.in_flight });
    if (!previous) return;
    await this.db.query(
      `UPDATE ${this.schema}.consumer c SET ack_floor = GREATEST(c.ack_floor, COALESCE(
          (SELECT min(m.seq) - 1 FROM ${this.schema}.message m
             LEFT JOIN ${this.schema}.delivery d ON d.consumer = c.name AND d.seq = m.seq
            WHERE m.stream = c.stream AND m.seq > c.ack_floor AND m.seq <= $3 AND m.subject ~ $2
              AND (d.state IS NULL OR d.state = 'pending')),
          $3::bigint))
        WHERE c.name = $1`,
      [spec.durable, filter, previous.limit],
    );
  }

  /**
   * Applies the streams' limits like JetStream's limits retention (discard old): messages older
   * than `maxAgeMs`, and the oldest beyond `maxBytes` (payload and headers), are removed with
   * their delivery state, whether or not every consumer has seen them.
   */
  async enforceLimits(): Promise<void> {
    for (const spec of this.streams.values()) {
      if (spec.maxAgeMs && spec.maxAgeMs > 0) {
        await this.db.query(
          `WITH gone AS (DELETE FROM ${this.schema}.message WHERE stream = $1 AND published_at < now() - $2 * interval '1 millisecond' RETURNING seq)
           DELETE FROM ${this.schema}.delivery WHERE seq IN (SELECT seq FROM gone)`,
          [spec.name, spec.maxAgeMs],
        );
      }
      if (spec.maxBytes && spec.maxBytes > 0) {
        await this.db.query(
          `WITH sized AS (
             SELECT seq, sum(octet_length(data) + octet_length(headers::text)) OVER (ORDER BY seq DESC) AS kept
               FROM ${this.schema}.message WHERE stream = $1),
           gone AS (DELETE FROM ${this.schema}.message WHERE seq IN (SELECT seq FROM sized WHERE kept > $2) RETURNING seq)
           DELETE FROM ${this.schema}.delivery WHERE seq IN (SELECT seq FROM gone)`,
          [spec.name, spec.maxBytes],
        );
      }
    }
  }

  onDeadLetter(listener: DeadLetterListener): () => void {
    return this.notices.listen(listener);
  }

  deadLetters(): DeadLetterQueue {
    this.deadLetterQueue ??= new StoreDeadLetterQueue(
      new EmbeddedDeadLetterStore(this.db, this.schema, (subject) => this.streamFor(subject), (stream) => this.wakeups.emit(stream)),
    );
    return this.deadLetterQueue;
  }

  async backlog(): Promise<Record<string, ConsumerBacklog>> {
    const result: Record<string, ConsumerBacklog> = {};
    for (const spec of this.consumers.values()) {
      const rows: Array<{ pending: number; redelivering: number }> = await this.db.query(
        `SELECT count(*) FILTER (WHERE d.seq IS NULL OR d.state = 'pending')::int AS pending,
                count(*) FILTER (WHERE d.state = 'pending' AND d.attempts > 0 AND d.lease_until IS NULL)::int AS redelivering
           FROM ${this.schema}.message m
           LEFT JOIN ${this.schema}.delivery d ON d.consumer = $1 AND d.seq = m.seq
          WHERE m.stream = $2 AND m.subject ~ $3 AND m.seq > (SELECT ack_floor FROM ${this.schema}.consumer WHERE name = $1)`,
        [spec.durable, spec.stream, subjectFilterToRegex(spec.filterSubject)],
      );
      result[spec.durable] = rows[0] ?? { pending: 0, redelivering: 0 };
    }
    return result;
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
    clearInterval(this.retention);
    for (const sub of [...this.subscriptions.values()]) await sub.stop();
    this.closed = true;
    await this.retentionRun;
    await this.db.destroy();
  }
}

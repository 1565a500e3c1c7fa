import type { DeadLetterListener } from './dead-letter-notice';
import type { DeadLetterQueue } from './dead-letters/dead-letter';
import type { DeliveredMessage, OutgoingMessage, PublishResult, Reply } from './message';

/** A stream groups subjects; every event lives in exactly one. */
export interface StreamSpec {
  name: string;
  subjects: string[];
  /** Oldest message age kept, in ms (0 = forever). */
  maxAgeMs?: number;
  /** Largest total size kept, in bytes (0 = no limit). */
  maxBytes?: number;
}

export interface ConsumerSpec {
  /** Durable name: the consumer's position survives restarts of the process and the broker. */
  durable: string;
  stream: string;
  /** NATS subject filter (`*` one token, `>` the rest). */
  filterSubject: string;
  /**
   * Attempts before a message whose handler keeps failing is dead-lettered. Only failures not
   * known to be transient count: a database or bus outage is retried (capped backoff) until it
   * ends, and a permanent failure is dead-lettered at once.
   */
  maxDeliver: number;
  /** Delay before redelivery after the n-th failure; the last value repeats. */
  backoffMs: readonly number[];
  /** How long a delivery may stay unacknowledged before the broker redelivers it. */
  ackWaitMs: number;
  /**
   * How many of this consumer's messages may be handled at once (default 1: one at a time, in
   * order). Only for handlers that are safe when messages overlap and arrive out of order.
   */
  concurrency?: number;
}

export type MessageHandler = (message: DeliveredMessage) => Promise<void>;
export type CommandHandler = (request: Reply) => Promise<Uint8Array>;

export interface Subscription {
  readonly name: string;
  isRunning(): boolean;
  stop(): Promise<void>;
}

export interface RequestOptions {
  timeoutMs: number;
  headers?: Readonly<Record<string, string>>;
}

/** Messages a consumer has not finished: not yet delivered, and delivered again after a failure. */
export interface ConsumerBacklog {
  pending: number;
  redelivering: number;
}

export interface BusHealth {
  connected: boolean;
  subscriptions: Record<string, boolean>;
}

/** A change of the bus's connection to its broker: lost, or back (`server` is the broker's address). */
export interface BusConnectionChange {
  connected: boolean;
  server?: string;
}

export type BusConnectionListener = (change: BusConnectionChange) => void;

/**
 * The messaging port. Two adapters implement it with the same semantics: JetStream (distributed
 * mode) and a PostgreSQL-backed in-process bus (embedded mode). Delivery is at-least-once with
 * explicit ack, bounded redelivery with backoff and a dead-letter subject; commands are
 * request/reply with timeouts and typed errors.
 */
export interface MessageBus {
  provision(streams: readonly StreamSpec[]): Promise<void>;
  publish(message: OutgoingMessage): Promise<PublishResult>;
  consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Subscription>;
  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Reply>;
  serve(subject: string, handler: CommandHandler, options?: { queue?: string }): Promise<Subscription>;
  health(): BusHealth;
  /** Backlog per durable consumer of this bus (for metrics). */
  backlog?(): Promise<Record<string, ConsumerBacklog>>;
  /** Called for every dead letter this bus writes (log line and metric); returns the unsubscribe. */
  onDeadLetter?(listener: DeadLetterListener): () => void;
  /** The dead letters of every consumer on this broker or log: list, show, redrive. */
  deadLetters(): DeadLetterQueue;
  /**
   * Called once when the connection to the broker is lost and once when it is back (an adapter
   * without a broker connection never calls it); returns the unsubscribe.
   */
  onConnectionChange?(listener: BusConnectionListener): () => void;
  close(): Promise<void>;
}

/** Subject a consumer's dead letters go to; the DEADLETTER stream keeps them. */
export function deadLetterSubject(stream: string, durable: string): string {
  return `deadletter.${stream.toLowerCase()}.${durable}`;
}

/** How long dead letters are kept, and how many bytes of them at most (the oldest go first). */
export const DEAD_LETTER_RETENTION = { maxAgeMs: 30 * 24 * 60 * 60 * 1_000, maxBytes: 1024 * 1024 * 1024 } as const;

export const DEAD_LETTER_STREAM: StreamSpec = { name: 'DEADLETTER', subjects: ['deadletter.>'], ...DEAD_LETTER_RETENTION };

export const defaultConsumerTuning = {
  maxDeliver: 5,
  backoffMs: [200, 1_000, 5_000, 15_000],
  ackWaitMs: 30_000,
} as const satisfies Pick<ConsumerSpec, 'maxDeliver' | 'backoffMs' | 'ackWaitMs'>;

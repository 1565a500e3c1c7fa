import { connect } from '@nats-io/transport-node';
import type { NatsConnection, Subscription as NatsSubscription } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { PalisadeError } from '@palisade/errors';
import { DEAD_LETTER_STREAM, deadLetterSubject, type BusConnectionChange, type BusConnectionListener, type BusHealth, type CommandHandler, type ConsumerBacklog, type ConsumerSpec, type MessageBus, type MessageHandler, type RequestOptions, type StreamSpec, type Subscription } from '../bus';
import { DeadLetterNotices, deadLetterAlert, deadLetterOf, raisesAlert, type DeadLetterListener } from '../dead-letter-notice';
import { CommandError, CommandErrorCodes, errorReplyHeaders } from '../command-error';
import { MessageHeaders, type DeliveredMessage, type OutgoingMessage, type PublishResult, type Reply } from '../message';
import { decideAfterFailure, describeError, isBeyondLimit, transientBackoff } from '../redelivery';
import { assertSubjectFilter } from '../subject-filter';
import { currentTraceHeaders, handleInConsumerSpan, handleInServerSpan } from '../trace-context';
import { ensureStream, ensureConsumer } from './provisioning';
import type { DeadLetterQueue } from '../dead-letters/dead-letter';
import { StoreDeadLetterQueue } from '../dead-letters/dead-letter-queue';
import { deadLetterMessageId, redrivenToAnother } from '../dead-letters/dead-letter-rules';
import { JetStreamDeadLetterStore } from '../dead-letters/jetstream-dead-letters';
import { toHeaders, toRecord } from './nats-headers';

export interface JetStreamBusOptions {
  servers: string | string[];
  /** Connection name shown by the server (the service name). */
  name: string;
  /** De-duplication window for message ids. The outbox relay must republish within it. */
  duplicateWindowMs?: number;
}

const NANOS_PER_MS = 1_000_000;

/** How long one pull waits for a message (the server's minimum is 1 s); bounds how long a stop waits. */
const PULL_EXPIRES_MS = 1_000;

/**
 * Whether the server honours `+TERM <reason>`. Before 2.10.4 it does not know the reason form and
 * redelivers such a message forever; a plain `+TERM` works on every supported version.
 */
export function termTakesReason(serverVersion: string | undefined): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(serverVersion ?? '');
  if (!match) return false;
  const [major, minor, patch] = match.slice(1).map(Number);
  if (major !== 2) return major > 2;
  if (minor !== 10) return minor > 10;
  return patch >= 4;
}

/** Per consumer: transient failures this process saw per stream sequence (JetStream counts every delivery). */
type TransientCounts = Map<number, number>;

/** The distributed adapter of the messaging port, on NATS JetStream. */
export class JetStreamBus implements MessageBus {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly consumers = new Map<string, ConsumerSpec>();
  private readonly notices = new DeadLetterNotices();
  private deadLetterQueue?: DeadLetterQueue;
  /** Follows the connection's status events from the start, so health never guesses. */
  private connected = true;
  private readonly connectionListeners = new Set<BusConnectionListener>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: JetStreamBusOptions,
  ) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') this.connectionChanged({ connected: false, server: status.server });
        if (status.type === 'reconnect') this.connectionChanged({ connected: true, server: status.server });
      }
    })().catch(() => undefined);
  }

  static async connect(options: JetStreamBusOptions): Promise<JetStreamBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: options.servers,
        name: options.name,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      });
    } catch (error: unknown) {
      throw new PalisadeError('MESSAGING_UNAVAILABLE', `cannot connect to NATS at ${String(options.servers)}: ${(error as Error).message}`, { cause: error });
    }
    const jsm = await jetstreamManager(nc);
    return new JetStreamBus(nc, jetstream(nc), jsm, options);
  }

  /** Only transitions reach listeners, so an outage is reported once however often the client retries. */
  private connectionChanged(change: BusConnectionChange): void {
    if (change.connected === this.connected) return;
    this.connected = change.connected;
    for (const listener of this.connectionListeners) listener(change);
  }

  onConnectionChange(listener: BusConnectionListener): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** The underlying connection, for tests and health checks. */
  get connection(): NatsConnection {
    return this.nc;
  }

  async provision(streams: readonly StreamSpec[]): Promise<void> {
    const duplicateWindow = (this.options.duplicateWindowMs ?? 120_000) * NANOS_PER_MS;
    for (const spec of [...streams, DEAD_LETTER_STREAM]) await ensureStream(this.jsm, spec, duplicateWindow);
  }

  async publish(message: OutgoingMessage): Promise<PublishResult> {
    const hdrs = toHeaders({ ...message.headers, [MessageHeaders.eventId]: message.id, [MessageHeaders.schema]: message.schema });
    try {
      const ack = await this.js.publish(message.subject, message.data, { msgID: message.id, headers: hdrs });
      return { duplicate: ack.duplicate };
    } catch (error: unknown) {
      throw new PalisadeError('MESSAGING_PUBLISH_FAILED', `publish to ${message.subject} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Subscription> {
    assertSubjectFilter(spec.filterSubject);
    await ensureConsumer(this.jsm, spec.stream, {
      durable_name: spec.durable,
      filter_subject: spec.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: spec.ackWaitMs * NANOS_PER_MS,
      // The limit is enforced here, not by the server, so the last failure can be dead-lettered.
      max_deliver: -1,
    });
    const consumer = await this.js.consumers.get(spec.stream, spec.durable);
    let running = true;
    const transient: TransientCounts = new Map();
    // A message is pulled only when a handler slot is free (one by default, `spec.concurrency` at
    // most): nothing waits in a client buffer while its ack wait runs out, so a slow handler never
    // causes redeliveries of others.
    const slots = Math.max(1, spec.concurrency ?? 1);
    const handling = new Set<Promise<void>>();
    const loop = (async () => {
      while (running && !this.nc.isClosed()) {
        if (handling.size >= slots) {
          await Promise.race(handling);
          continue;
        }
        let msg: JsMsg | null;
        try {
          msg = await consumer.next({ expires: PULL_EXPIRES_MS });
        } catch {
          // Disconnected, or the server is restarting: try again shortly.
          if (running) await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        if (msg === null) continue;
        if (!running) {
          // Stopping: leave it to the next consumer at once rather than after the ack wait.
          msg.nak();
          break;
        }
        const delivery: Promise<void> = this.deliver(spec, msg, handler, transient)
          .catch(() => {
            // Settling failed (the connection dropped): the ack wait redelivers it.
          })
          .finally(() => handling.delete(delivery));
        handling.add(delivery);
      }
      await Promise.all(handling);
    })();
    const subscription: Subscription = {
      name: spec.durable,
      isRunning: () => running && !this.nc.isClosed(),
      stop: async () => {
        running = false;
        await loop.catch(() => undefined);
        this.subscriptions.delete(spec.durable);
        this.consumers.delete(spec.durable);
      },
    };
    this.subscriptions.set(spec.durable, subscription);
    this.consumers.set(spec.durable, spec);
    return subscription;
  }

  /** Finishes a message for good once its dead letter is stored, in a form every server version honours. */
  private terminate(msg: JsMsg, reason: string): void {
    if (termTakesReason(this.nc.info?.version)) msg.term(reason);
    else msg.term();
  }

  private async deliver(spec: ConsumerSpec, msg: JsMsg, handler: MessageHandler, transient: TransientCounts): Promise<void> {
    const headers = toRecord(msg.headers);
    const attempt = msg.info.deliveryCount;
    const delivered: DeliveredMessage = {
      id: headers[MessageHeaders.eventId] ?? `${msg.info.stream}:${msg.seq}`,
      subject: msg.subject,
      schema: headers[MessageHeaders.schema] ?? '',
      data: msg.data,
      headers,
      attempt,
      working: () => msg.working(),
    };
    // Deliveries before this process first saw the message are of unknown outcome (a restart
    // forgets transient failures): they are taken as transient, never as a dying handler.
    if (!transient.has(msg.seq)) {
      transient.set(msg.seq, attempt - 1);
      // Messages finished by another replica never come back here: keep the map bounded.
      if (transient.size > 10_000) transient.delete(transient.keys().next().value as number);
    }
    const transientFailures = transient.get(msg.seq) ?? 0;
    if (redrivenToAnother(headers, spec.durable)) {
      // A redrive for another consumer: this one handled the original already.
      transient.delete(msg.seq);
      await msg.ackAck().catch(() => false);
      return;
    }
    if (isBeyondLimit(spec, attempt, transientFailures)) {
      await this.finishDead(spec, msg, delivered, { code: 'DELIVERY_LIMIT', message: `delivered ${attempt} times without an outcome (handler process died)` }, 'delivery limit', transient);
      return;
    }
    try {
      await handleInConsumerSpan(spec.durable, delivered, handler);
      transient.delete(msg.seq);
      await msg.ackAck().catch(() => false);
    } catch (error: unknown) {
      const outcome = decideAfterFailure(spec, attempt - transientFailures, error, attempt);
      if (outcome.kind === 'retry') {
        if (outcome.transient) transient.set(msg.seq, transientFailures + 1);
        msg.nak(outcome.delayMs);
        return;
      }
      await this.finishDead(spec, msg, delivered, describeError(error), outcome.reason, transient);
    }
  }

  private async finishDead(spec: ConsumerSpec, msg: JsMsg, delivered: DeliveredMessage, error: { code: string; message: string }, reason: string, transient: TransientCounts): Promise<void> {
    try {
      await this.deadLetter(spec, delivered, error);
    } catch {
      // The dead letter is not stored: keep the message, and try again later.
      msg.nak(transientBackoff([], delivered.attempt));
      return;
    }
    transient.delete(msg.seq);
    this.terminate(msg, reason);
  }

  private async deadLetter(spec: ConsumerSpec, message: DeliveredMessage, error: { code: string; message: string }): Promise<void> {
    const dead = deadLetterOf(spec, message, error);
    await this.publish({
      id: deadLetterMessageId(spec.durable, message),
      subject: deadLetterSubject(spec.stream, spec.durable),
      schema: message.schema,
      data: message.data,
      headers: dead.headers,
    });
    const notice = dead.notice;
    this.notices.emit(notice);
    // The alert is best effort: the dead letter itself is what must not be lost.
    if (raisesAlert(notice)) await this.publish(deadLetterAlert(notice, this.options.name)).catch(() => undefined);
  }

  onDeadLetter(listener: DeadLetterListener): () => void {
    return this.notices.listen(listener);
  }

  deadLetters(): DeadLetterQueue {
    this.deadLetterQueue ??= new StoreDeadLetterQueue(new JetStreamDeadLetterStore(this.js, this.jsm));
    return this.deadLetterQueue;
  }

  async backlog(): Promise<Record<string, ConsumerBacklog>> {
    const result: Record<string, ConsumerBacklog> = {};
    for (const spec of this.consumers.values()) {
      const info = await this.jsm.consumers.info(spec.stream, spec.durable).catch(() => undefined);
      if (info) result[spec.durable] = { pending: info.num_pending + info.num_ack_pending, redelivering: info.num_redelivered };
    }
    return result;
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Reply> {
    // While disconnected, nats.js would buffer the request and the caller would wait out its whole
    // timeout; refusing before anything is sent also means the command can never run later.
    if (!this.connected || this.nc.isClosed()) {
      throw new CommandError(CommandErrorCodes.busUnavailable, `NATS is disconnected; ${subject} was not sent`, subject);
    }
    try {
      const reply = await this.nc.request(subject, data, { timeout: options.timeoutMs, headers: toHeaders({ ...currentTraceHeaders(), ...options.headers }) });
      const headers = toRecord(reply.headers);
      const failure = CommandError.parse(subject, headers);
      if (failure) throw failure;
      return { data: reply.data, headers };
    } catch (error: unknown) {
      if (error instanceof CommandError) throw error;
      const text = (error as Error).message ?? String(error);
      if (/no responders/i.test(text) || (error as { name?: string }).name === 'NoRespondersError') {
        throw new CommandError(CommandErrorCodes.noResponders, `no service answers ${subject}`, subject, { cause: error });
      }
      if (/timeout/i.test(text) || (error as { name?: string }).name === 'TimeoutError') {
        throw new CommandError(CommandErrorCodes.timeout, `${subject} did not answer within ${options.timeoutMs} ms`, subject, { cause: error });
      }
      throw new CommandError(CommandErrorCodes.failed, `${subject} failed: ${text}`, subject, { cause: error });
    }
  }

  async serve(subject: string, handler: CommandHandler, options: { queue?: string } = {}): Promise<Subscription> {
    const sub: NatsSubscription = this.nc.subscribe(subject, { queue: options.queue ?? subject });
    const loop = (async () => {
      for await (const msg of sub) {
        const request = { data: msg.data, headers: toRecord(msg.headers) };
        try {
          msg.respond(await handleInServerSpan(subject, request.headers, () => handler(request)));
        } catch (error: unknown) {
          msg.respond(new Uint8Array(), { headers: toHeaders(errorReplyHeaders(error)) });
        }
      }
    })();
    const subscription: Subscription = {
      name: `serve:${subject}`,
      isRunning: () => !sub.isClosed() && !this.nc.isClosed(),
      stop: async () => {
        await sub.drain();
        await loop.catch(() => undefined);
        this.subscriptions.delete(subscription.name);
      },
    };
    this.subscriptions.set(subscription.name, subscription);
    return subscription;
  }

  health(): BusHealth {
    const subscriptions: Record<string, boolean> = {};
    for (const [name, sub] of this.subscriptions) subscriptions[name] = sub.isRunning();
    return { connected: !this.nc.isClosed() && this.connected, subscriptions };
  }

  async close(): Promise<void> {
    for (const sub of [...this.subscriptions.values()]) await sub.stop().catch(() => undefined);
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

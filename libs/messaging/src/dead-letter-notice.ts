import { EventEmitter } from 'node:events';
import { Severity, encodeAlert } from '@palisade/contracts';
import type { ConsumerSpec } from './bus';
import { RedriveHeaders, keptOnDeadLetter } from './dead-letters/dead-letter-rules';
import { MessageHeaders, type DeliveredMessage, type OutgoingMessage } from './message';

/** What a dead letter is about: raised (as a log line, a metric and an alert) for every one. */
export interface DeadLetterNotice {
  stream: string;
  consumer: string;
  /** Subject of the original message. */
  subject: string;
  messageId: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  /** Set when the message was a redrive's replay: the id of the dead letter it replayed. */
  redrivenFrom?: string;
}

export type DeadLetterListener = (notice: DeadLetterNotice) => void;

/**
 * What both adapters record of a message they dead-letter: the headers the dead letter carries
 * (the original's, plus why, where from and after how many attempts) and the notice raised for it.
 */
export function deadLetterOf(spec: Pick<ConsumerSpec, 'stream' | 'durable'>, message: DeliveredMessage, error: { code: string; message: string }): { headers: Record<string, string>; notice: DeadLetterNotice } {
  return {
    headers: {
      ...keptOnDeadLetter(message.headers),
      [MessageHeaders.errorCode]: error.code,
      [MessageHeaders.errorMessage]: error.message.replace(/[\r\n]+/g, ' ').slice(0, 1024),
      [MessageHeaders.deadLetterSubject]: message.subject,
      [MessageHeaders.deadLetterConsumer]: spec.durable,
      [MessageHeaders.deadLetterAttempts]: String(message.attempt),
    },
    notice: {
      stream: spec.stream,
      consumer: spec.durable,
      subject: message.subject,
      messageId: message.id,
      errorCode: error.code,
      errorMessage: error.message,
      attempts: message.attempt,
      ...(message.headers[RedriveHeaders.redrivenFrom] ? { redrivenFrom: message.headers[RedriveHeaders.redrivenFrom] } : {}),
    },
  };
}

/** Subject of the alert raised for every dead letter. */
export const DEAD_LETTER_ALERT_SUBJECT = 'alerts.ops.high.dead-letter';

/**
 * Whether a dead letter raises an alert: not when the dead message is itself a dead-letter alert
 * (a consumer of alerts that fails on every one would otherwise feed itself alerts forever; the
 * log line and the metric still tell).
 */
export function raisesAlert(notice: Pick<DeadLetterNotice, 'subject'>): boolean {
  return notice.subject !== DEAD_LETTER_ALERT_SUBJECT;
}

/** The `alerts.ops.high.dead-letter` alert of a dead letter; its id is stable, so a retry publishes it once. */
export function deadLetterAlert(notice: DeadLetterNotice, raisedBy = 'messaging'): OutgoingMessage {
  const alert = encodeAlert({
    area: 'ops',
    severity: Severity.HIGH,
    kind: 'dead-letter',
    summary: `${notice.consumer} dead-lettered a message of ${notice.subject} after ${notice.attempts} attempt(s): ${notice.errorCode}`,
    details: {
      stream: notice.stream,
      consumer: notice.consumer,
      subject: notice.subject,
      messageId: notice.messageId,
      errorCode: notice.errorCode,
      errorMessage: notice.errorMessage.slice(0, 512),
      attempts: String(notice.attempts),
    },
    raisedBy,
  });
  // A replay that fails again is a new dead letter and raises its own alert (not a duplicate of the first).
  const replay = notice.redrivenFrom ? `:redriven-${notice.redrivenFrom}` : '';
  return { id: `alert:dead-letter:${notice.consumer}:${notice.messageId}${replay}`, ...alert };
}

/** Fans dead-letter notices out to listeners (log and metric of each service); a failing listener is ignored. */
export class DeadLetterNotices {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  listen(listener: DeadLetterListener): () => void {
    const safe = (notice: DeadLetterNotice) => {
      try {
        listener(notice);
      } catch {
        // A broken log sink must not stop the consumer.
      }
    };
    this.emitter.on('dead-letter', safe);
    return () => this.emitter.off('dead-letter', safe);
  }

  emit(notice: DeadLetterNotice): void {
    this.emitter.emit('dead-letter', notice);
  }
}

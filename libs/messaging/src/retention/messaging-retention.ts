import type { RetentionRule } from '@palisade/persistence';

export interface MessagingRetention {
  /** How long a sent outbox row is kept after it was sent (undefined: forever). */
  outboxKeepMs: number | undefined;
  /** How long a consumer remembers a message id it applied (undefined: forever). */
  inboxKeepMs: number | undefined;
}

/**
 * The outbox and inbox rules of a service's schema. Only rows already sent leave the outbox:
 * an unsent row is an event the bus has not got yet, whatever its age. An inbox row is what turns
 * a redelivered or republished message into a no-op, so it must outlive every way a copy can
 * still arrive (see README, Operations → Retention).
 */
export function messagingRetentionRules(retention: MessagingRetention): RetentionRule[] {
  return [
    { table: 'outbox', keepMs: retention.outboxKeepMs, expired: () => 't.sent_at IS NOT NULL AND t.sent_at < $1' },
    { table: 'inbox', keepMs: retention.inboxKeepMs, expired: () => 't.processed_at < $1' },
  ];
}

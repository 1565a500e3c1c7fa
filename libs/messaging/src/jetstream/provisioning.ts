import { DiscardPolicy, RetentionPolicy, StorageType, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import type { StreamSpec } from '../bus';

const NANOS_PER_MS = 1_000_000;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string; code?: number | string };
  return e?.name === 'StreamNotFoundError' || e?.name === 'ConsumerNotFoundError' || /not found/i.test(e?.message ?? '');
}

/** Creates the stream, or brings an existing one to the declared config. Safe to run at every start. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, duplicateWindowNanos: number): Promise<void> {
  const config = {
    name: spec.name,
    subjects: spec.subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    // The server refuses a de-duplication window longer than the stream keeps messages.
    duplicate_window: spec.maxAgeMs && spec.maxAgeMs > 0 ? Math.min(duplicateWindowNanos, spec.maxAgeMs * NANOS_PER_MS) : duplicateWindowNanos,
    max_age: (spec.maxAgeMs ?? 0) * NANOS_PER_MS,
    max_bytes: spec.maxBytes && spec.maxBytes > 0 ? spec.maxBytes : -1,
  };
  try {
    await jsm.streams.info(spec.name);
  } catch (error: unknown) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.streams.add(config);
      return;
    } catch (addError: unknown) {
      // Another replica created it first: fall through and update.
      if (!/already in use|exists/i.test((addError as Error).message)) throw addError;
    }
  }
  await jsm.streams.update(spec.name, config);
}

/** Creates the durable consumer, or updates the fields that may change on an existing one. */
export async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<void> {
  try {
    await jsm.consumers.info(stream, config.durable_name);
  } catch (error: unknown) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.consumers.add(stream, config);
      return;
    } catch (addError: unknown) {
      if (!/already|exists/i.test((addError as Error).message)) throw addError;
    }
  }
  await jsm.consumers.update(stream, config.durable_name, { ack_wait: config.ack_wait, max_deliver: config.max_deliver, filter_subject: config.filter_subject });
}

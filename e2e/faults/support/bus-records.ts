import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { Events } from '@palisade/contracts';
import { DEAD_LETTER_STREAM, EmbeddedBus, JetStreamBus, MessageHeaders, type MessageBus } from '@palisade/messaging';
import { PLATFORM_STREAMS } from '@palisade/platform';
import type { Stack } from '../../support/stack';

/** A message as it is stored on a stream (JetStream, or the embedded bus's log table). */
export interface StoredMessage {
  subject: string;
  headers: Record<string, string>;
  data: Uint8Array;
}

/** Every message the stream holds now, oldest first. */
export async function readStream(stack: Stack, stream: string): Promise<StoredMessage[]> {
  return 'natsUrl' in stack.bus ? fromNats(stack.bus.natsUrl, stream) : fromEmbeddedBus(stack.bus.embeddedDatabaseUrl, stream);
}

async function fromNats(url: string, stream: string): Promise<StoredMessage[]> {
  const nc = await connect({ servers: url });
  try {
    const count = (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
    if (count === 0) return [];
    // An ordered consumer: an ephemeral reader that changes no durable consumer's position.
    const consumer = await jetstream(nc).consumers.get(stream);
    const seen: StoredMessage[] = [];
    const messages = await consumer.fetch({ max_messages: count, expires: 5_000 });
    for await (const m of messages) {
      const headers: Record<string, string> = {};
      for (const key of m.headers?.keys() ?? []) headers[key] = m.headers?.get(key) ?? '';
      seen.push({ subject: m.subject, headers, data: m.data });
      if (seen.length >= count) break;
    }
    return seen;
  } finally {
    await nc.close();
  }
}

async function fromEmbeddedBus(url: string, stream: string): Promise<StoredMessage[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await client.query<{ subject: string; headers: Record<string, string>; data: Buffer; id: string; schema_name: string }>(
      `SELECT subject, headers, data, id, schema_name FROM palisade_bus.message WHERE stream = $1 ORDER BY seq`,
      [stream],
    );
    // The JetStream adapter carries id and schema as headers; the log keeps them as columns.
    return rows.rows.map((r) => ({ subject: r.subject, headers: { ...r.headers, [MessageHeaders.eventId]: r.id, [MessageHeaders.schema]: r.schema_name }, data: r.data }));
  } finally {
    await client.end();
  }
}

/** Bytes no protobuf decoder accepts: field 13 with wire type 6, which does not exist. */
const UNDECODABLE = Uint8Array.from([0x6e, 0xff, 0xff, 0xff]);

/**
 * Publishes `count` undecodable `version.ingested` events through the stack's own bus adapter,
 * as a broken or hostile producer would; answers their message ids.
 */
export async function publishPoison(stack: Stack, count: number): Promise<string[]> {
  const bus: MessageBus =
    'natsUrl' in stack.bus ? await JetStreamBus.connect({ servers: stack.bus.natsUrl, name: 'fault-test-poisoner' }) : await EmbeddedBus.open({ url: stack.bus.embeddedDatabaseUrl });
  try {
    // The same stream definitions the services provision (JetStream compares them; the embedded bus maps subjects by them).
    await bus.provision(PLATFORM_STREAMS);
    const ids: string[] = [];
    for (let i = 1; i <= count; i += 1) {
      const id = `fault-test-poison-${Date.now().toString(36)}-${i}`;
      await bus.publish({ id, subject: Events.versionIngested.subject, schema: Events.versionIngested.schema.typeName, data: UNDECODABLE });
      ids.push(id);
    }
    return ids;
  } finally {
    await bus.close();
  }
}

/** A dead letter as stored: which consumer gave up on which original message. */
export interface DeadLetter {
  consumer: string;
  originalId: string;
  originalSubject: string;
  errorCode: string;
}

export async function readDeadLetters(stack: Stack): Promise<DeadLetter[]> {
  return (await readStream(stack, DEAD_LETTER_STREAM.name)).map((m) => {
    const consumer = m.headers[MessageHeaders.deadLetterConsumer] ?? '';
    // A dead letter's id is `<consumer>:<original id>` (one per consumer and message).
    const id = m.headers[MessageHeaders.eventId] ?? '';
    return {
      consumer,
      originalId: id.startsWith(`${consumer}:`) ? id.slice(consumer.length + 1) : id,
      originalSubject: m.headers[MessageHeaders.deadLetterSubject] ?? '',
      errorCode: m.headers[MessageHeaders.errorCode] ?? '',
    };
  });
}

import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import { currentTraceHeaders } from '../trace-context';

export interface OutboxEvent {
  subject: string;
  schema: string;
  data: Uint8Array;
  /** Supply a deterministic id when the same logical event may be produced twice. */
  id?: string;
  headers?: Readonly<Record<string, string>>;
}

/** The channel a relay listens on; a NOTIFY sent inside a transaction is delivered only at commit. */
export function outboxChannel(schema: string): string {
  return `palisade_outbox_${schema}`;
}

/**
 * Records an event in the caller's transaction. The event exists exactly when the state change
 * commits: a rollback discards both, and the relay publishes only committed rows.
 */
export async function addToOutbox(tx: EntityManager, event: OutboxEvent): Promise<string> {
  if (!tx.queryRunner?.isTransactionActive) {
    throw new Error('addToOutbox must run inside a transaction (dataSource.transaction(...))');
  }
  const schema = quotedSchemaOf(tx.connection);
  const id = event.id ?? randomUUID();
  const headers = { ...currentTraceHeaders(), ...event.headers };
  await tx.query(`INSERT INTO ${schema}.outbox (id, subject, schema_name, headers, data) VALUES ($1, $2, $3, $4, $5)`, [
    id,
    event.subject,
    event.schema,
    JSON.stringify(headers),
    Buffer.from(event.data),
  ]);
  await tx.query('SELECT pg_notify($1, $2)', [outboxChannel(schema.slice(1, -1)), id]);
  return id;
}

/**
 * Records several events in the caller's transaction with one statement and one notification,
 * for effects that emit many events at once (a re-judge of thousands of versions, say).
 */
export async function addAllToOutbox(tx: EntityManager, events: readonly OutboxEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  if (!tx.queryRunner?.isTransactionActive) {
    throw new Error('addAllToOutbox must run inside a transaction (dataSource.transaction(...))');
  }
  const schema = quotedSchemaOf(tx.connection);
  const trace = currentTraceHeaders();
  const ids = events.map((event) => event.id ?? randomUUID());
  await tx.query(
    `INSERT INTO ${schema}.outbox (id, subject, schema_name, headers, data)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bytea[])`,
    [
      ids,
      events.map((e) => e.subject),
      events.map((e) => e.schema),
      events.map((e) => JSON.stringify({ ...trace, ...e.headers })),
      events.map((e) => Buffer.from(e.data)),
    ],
  );
  await tx.query('SELECT pg_notify($1, $2)', [outboxChannel(schema.slice(1, -1)), ids[ids.length - 1]]);
  return ids;
}

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

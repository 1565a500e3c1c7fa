import type { DataSource } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { DeliveredMessage } from '../message';

/** A message as its producer's outbox recorded it. */
export interface StoredMessage {
  id: string;
  subject: string;
  schema: string;
  data: Uint8Array;
}

/** One consumer of a service: the inbox name its handler records and the handler itself. */
export interface ReplayRoute {
  subject: string;
  consumer: string;
  handle(message: DeliveredMessage): Promise<void>;
}

export type ReplayState = 'already' | 'reissued' | 'missing' | 'failed';

export interface ReplayResult {
  messageId: string;
  subject: string;
  consumer: string;
  state: ReplayState;
  error?: string;
}

export async function inboxHas(dataSource: DataSource, consumer: string, messageId: string): Promise<boolean> {
  const rows: unknown[] = await dataSource.query(`SELECT 1 FROM ${quotedSchemaOf(dataSource)}.inbox WHERE consumer = $1 AND message_id = $2`, [consumer, messageId]);
  return rows.length > 0;
}

function asDelivered(message: StoredMessage): DeliveredMessage {
  return { ...message, headers: {}, attempt: 1, working: () => undefined };
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${text}` : text;
}

/**
 * Hands each message to this service's consumers of its subject that have not recorded its id.
 * The id is the producer's, so the handler's own `applyOnce` still guards the effect: a copy
 * that arrives through the bus at the same moment is applied once, whichever comes first.
 */
export async function replayMessages(
  dataSource: DataSource,
  routes: readonly ReplayRoute[],
  messages: readonly StoredMessage[],
  dryRun: boolean,
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const message of messages) {
    for (const route of routes.filter((r) => r.subject === message.subject)) {
      const base = { messageId: message.id, subject: message.subject, consumer: route.consumer };
      if (await inboxHas(dataSource, route.consumer, message.id)) {
        results.push({ ...base, state: 'already' });
      } else if (dryRun) {
        results.push({ ...base, state: 'missing' });
      } else {
        try {
          await route.handle(asDelivered(message));
          results.push({ ...base, state: 'reissued' });
        } catch (error: unknown) {
          results.push({ ...base, state: 'failed', error: describe(error) });
        }
      }
    }
  }
  return results;
}

/** `LIKE` pattern matching `literal` exactly (npm names may hold `_`, a LIKE wildcard). */
export function likeLiteral(literal: string): string {
  return literal.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Events this service published whose outbox id matches one of `idPatterns` (SQL LIKE), oldest
 * first. Producers give version events deterministic ids naming the version, which is what makes
 * them findable here; rows the outbox retention removed are not found.
 */
export async function publishedMessages(dataSource: DataSource, idPatterns: readonly string[]): Promise<StoredMessage[]> {
  if (idPatterns.length === 0) return [];
  const rows: Array<{ id: string; subject: string; schema_name: string; data: Buffer }> = await dataSource.query(
    `SELECT id, subject, schema_name, data FROM ${quotedSchemaOf(dataSource)}.outbox WHERE id LIKE ANY($1::text[]) ORDER BY position`,
    [idPatterns],
  );
  return rows.map((r) => ({ id: r.id, subject: r.subject, schema: r.schema_name, data: new Uint8Array(r.data) }));
}

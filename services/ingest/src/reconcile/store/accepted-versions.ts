import type { DataSource } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { StoredMessage } from '@palisade/messaging';

export interface AcceptedVersion {
  name: string;
  version: string;
  ingestedAt: Date;
}

/**
 * Live versions accepted in [from, to), oldest first, after `after` (keyset paging). Upstream
 * versions still waiting in the backlog are not handed to the pipeline yet: nothing to check.
 */
export async function acceptedBetween(
  dataSource: DataSource,
  from: Date,
  to: Date,
  after: AcceptedVersion | undefined,
  limit: number,
): Promise<AcceptedVersion[]> {
  const s = quotedSchemaOf(dataSource);
  const rows: Array<{ name: string; version: string; ingested_at: Date }> = await dataSource.query(
    `SELECT name, version, ingested_at FROM ${s}.versions
      WHERE state = 'live' AND ingested_at >= $1 AND ingested_at < $2
        AND NOT EXISTS (SELECT 1 FROM ${s}.upstream_backlog b WHERE b.name = versions.name AND b.version = versions.version)
        AND ($3::timestamptz IS NULL OR (ingested_at, name, version) > ($3, $4, $5))
      ORDER BY ingested_at, name, version LIMIT $6`,
    [from, to, after?.ingestedAt ?? null, after?.name ?? '', after?.version ?? '', limit],
  );
  return rows.map((r) => ({ name: r.name, version: r.version, ingestedAt: r.ingested_at }));
}

/** The id publish and read-through give a version's `version.ingested` event. */
export function ingestedEventId(name: string, version: string): string {
  return `ingest.version-ingested:${name}@${version}`;
}

/**
 * The `version.ingested` events of these versions exactly as they were published (same id, same
 * bytes), from this service's outbox; a version whose row the outbox retention removed is absent.
 */
export async function ingestedEvents(dataSource: DataSource, versions: readonly AcceptedVersion[]): Promise<Map<string, StoredMessage>> {
  if (versions.length === 0) return new Map();
  const ids = versions.map((v) => ingestedEventId(v.name, v.version));
  const rows: Array<{ id: string; subject: string; schema_name: string; data: Buffer }> = await dataSource.query(
    `SELECT id, subject, schema_name, data FROM ${quotedSchemaOf(dataSource)}.outbox WHERE id = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, subject: r.subject, schema: r.schema_name, data: new Uint8Array(r.data) }]));
}

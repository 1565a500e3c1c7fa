import type { EntityManager } from 'typeorm';
import { Events } from '@palisade/contracts';
import { addAllToOutbox, type OutboxEvent } from '@palisade/messaging';
import { quotedSchemaOf } from '@palisade/persistence';

export interface BacklogEntry {
  name: string;
  version: string;
  publishedAt: Date;
  /** A dist-tag names it: the background queue takes it first. */
  tagged: boolean;
  /** The encoded `version.ingested` event of the version. */
  event: Uint8Array;
}

/** The outbox event that hands an upstream version to the pipeline; one id per version, so it is emitted once. */
export function ingestedEvent(name: string, version: string, data: Uint8Array): OutboxEvent {
  return { id: `ingest.version-ingested:${name}@${version}`, subject: Events.versionIngested.subject, schema: Events.versionIngested.schema.typeName, data };
}

/** Listed upstream versions waiting to be judged. Every function runs in the caller's transaction. */
export const upstreamBacklog = {
  async add(tx: EntityManager, entries: readonly BacklogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO ${quotedSchemaOf(tx.connection)}.upstream_backlog (name, version, published_at, tagged, event)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::boolean[], $5::bytea[]) ON CONFLICT (name, version) DO NOTHING`,
      [entries.map((e) => e.name), entries.map((e) => e.version), entries.map((e) => e.publishedAt), entries.map((e) => e.tagged), entries.map((e) => Buffer.from(e.event))],
    );
  },

  /** Hands one version to the pipeline now; false when it was not waiting (already handed over, or never listed). */
  async release(tx: EntityManager, name: string, version: string): Promise<boolean> {
    const rows: Array<{ event: Buffer }> = await tx.query(
      // Through a CTE: TypeORM answers a bare DELETE with [rows, count].
      `WITH gone AS (DELETE FROM ${quotedSchemaOf(tx.connection)}.upstream_backlog WHERE name = $1 AND version = $2 RETURNING event) SELECT event FROM gone`,
      [name, version],
    );
    if (rows.length === 0) return false;
    await addAllToOutbox(tx, [ingestedEvent(name, version, rows[0].event)]);
    return true;
  },

  /**
   * Hands `limit` waiting versions to the pipeline: those a dist-tag names first, then the most
   * recently published. Rows another replica is handing over are skipped, not waited for.
   */
  async releaseNewest(tx: EntityManager, limit: number): Promise<number> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ name: string; version: string; event: Buffer }> = await tx.query(
      `WITH gone AS (DELETE FROM ${s}.upstream_backlog WHERE (name, version) IN (
         SELECT name, version FROM ${s}.upstream_backlog ORDER BY tagged DESC, published_at DESC, name, version LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING name, version, event) SELECT name, version, event FROM gone`,
      [limit],
    );
    await addAllToOutbox(tx, rows.map((r) => ingestedEvent(r.name, r.version, r.event)));
    return rows.length;
  },
};

import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { ProvenanceRecord } from '../domain/provenance/check-provenance';

export type VersionState = 'live' | 'unpublished';

export interface RecordedVersion {
  name: string;
  version: string;
  integrity: string;
  shasum: string;
  blobKey: string;
  size: number;
  manifest: Record<string, unknown>;
  source: 'published' | 'upstream';
  distTag: string;
  publisherPrincipal?: string;
  publisherTokenId?: string;
  /** The stored `.sigstore` bundle and what was checked in it. */
  provenance?: { blobKey: string; record: ProvenanceRecord };
  publishedAt: Date;
  ingestedAt: Date;
}

export interface VersionStatus {
  version: string;
  integrity: string;
  blobKey: string;
  size: number;
  state: VersionState;
}

// Advisory lock namespaces (first key of the two-key form), so these never collide with other locks.
const PACKAGE_LOCK = 0x1e57_0001;
const BLOB_LOCK = 0x1e57_0002;

/** The ingest service's table of versions. Every function runs in the caller's transaction. */
export const versionStore = {
  /** Serialises publishes and unpublishes of one package until the transaction ends. */
  async lockPackage(tx: EntityManager, name: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PACKAGE_LOCK, name]);
  },

  /** Serialises recording a blob against discarding it, so a blob is never deleted under a version that needs it. */
  async lockBlob(tx: EntityManager, blobKey: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BLOB_LOCK, blobKey]);
  },

  async find(tx: EntityManager, name: string, version: string): Promise<(VersionStatus & { ingestedAt: Date }) | null> {
    const rows: Array<VersionRow & { ingested_at: Date }> = await tx.query(
      `SELECT version, integrity, blob_key, size, state, ingested_at FROM ${quotedSchemaOf(tx.connection)}.versions WHERE name = $1 AND version = $2`,
      [name, version],
    );
    return rows.length === 0 ? null : { ...toStatus(rows[0]), ingestedAt: rows[0].ingested_at };
  },

  /** Every version of the package ever recorded, in any state. */
  async list(tx: EntityManager, name: string): Promise<VersionStatus[]> {
    const rows: VersionRow[] = await tx.query(
      `SELECT version, integrity, blob_key, size, state FROM ${quotedSchemaOf(tx.connection)}.versions WHERE name = $1 ORDER BY published_at, version`,
      [name],
    );
    return rows.map(toStatus);
  },

  async packageExists(tx: EntityManager, name: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM ${quotedSchemaOf(tx.connection)}.versions WHERE name = $1 LIMIT 1`, [name]);
    return rows.length > 0;
  },

  /** True while any version, live or unpublished, records these bytes (as its tarball or its provenance). */
  async blobReferenced(tx: EntityManager, blobKey: string): Promise<boolean> {
    const s = quotedSchemaOf(tx.connection);
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM ${s}.versions WHERE blob_key = $1 UNION ALL SELECT 1 FROM ${s}.versions WHERE provenance_key = $1 LIMIT 1`,
      [blobKey],
    );
    return rows.length > 0;
  },

  async insert(tx: EntityManager, v: RecordedVersion): Promise<void> {
    await tx.query(
      `INSERT INTO ${quotedSchemaOf(tx.connection)}.versions
        (name, version, integrity, shasum, blob_key, size, manifest, source, dist_tag, publisher_principal, publisher_token_id, published_at, ingested_at,
         provenance_key, provenance)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        v.name,
        v.version,
        v.integrity,
        v.shasum,
        v.blobKey,
        v.size,
        JSON.stringify(v.manifest),
        v.source,
        v.distTag,
        v.publisherPrincipal ?? null,
        v.publisherTokenId ?? null,
        v.publishedAt,
        v.ingestedAt,
        v.provenance?.blobKey ?? null,
        v.provenance ? JSON.stringify(v.provenance.record) : null,
      ],
    );
  },

  async markUnpublished(tx: EntityManager, name: string, versions: readonly string[], at: Date, by: string | undefined): Promise<void> {
    await tx.query(
      `UPDATE ${quotedSchemaOf(tx.connection)}.versions SET state = 'unpublished', unpublished_at = $3, unpublished_by = $4
        WHERE name = $1 AND version = ANY($2) AND state = 'live'`,
      [name, [...versions], at, by ?? null],
    );
  },
};

interface VersionRow {
  version: string;
  integrity: string;
  blob_key: string;
  size: string | number;
  state: VersionState;
}

function toStatus(row: VersionRow): VersionStatus {
  return { version: row.version, integrity: row.integrity, blobKey: row.blob_key, size: Number(row.size), state: row.state };
}

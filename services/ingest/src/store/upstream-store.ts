import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { UpstreamKey } from '@palisade/upstream';

/** A verified upstream version as it is recorded (its bytes come later: size 0 until then). */
export interface UpstreamVersionRow {
  name: string;
  version: string;
  integrity: string;
  shasum: string;
  blobKey: string;
  manifest: Record<string, unknown>;
  distTag: string;
  publishedAt: Date;
  ingestedAt: Date;
  verification: 'signature' | 'integrity-only';
  upstreamKeyid?: string;
  tarballUrl: string;
}

export interface UpstreamVersionRecord {
  version: string;
  integrity: string;
  state: 'live' | 'unpublished';
  tarballUrl: string;
  cachedAt: Date | null;
  tamperedIntegrity: string | null;
  removedAt: Date | null;
}

/** The ingest service's upstream tables. Every function runs in the caller's transaction. */
export const upstreamStore = {
  async packageState(tx: EntityManager, name: string): Promise<{ etag: string | null; fetchedAt: Date; goneAt: Date | null } | null> {
    const rows: Array<{ etag: string | null; fetched_at: Date; gone_at: Date | null }> = await tx.query(
      `SELECT etag, fetched_at, gone_at FROM ${quotedSchemaOf(tx.connection)}.upstream_packages WHERE name = $1`,
      [name],
    );
    return rows.length === 0 ? null : { etag: rows[0].etag, fetchedAt: rows[0].fetched_at, goneAt: rows[0].gone_at };
  },

  async savePackageState(tx: EntityManager, name: string, state: { etag: string | null; goneAt: Date | null }): Promise<void> {
    await tx.query(
      `INSERT INTO ${quotedSchemaOf(tx.connection)}.upstream_packages (name, etag, fetched_at, gone_at) VALUES ($1, $2, now(), $3)
       ON CONFLICT (name) DO UPDATE SET etag = EXCLUDED.etag, fetched_at = EXCLUDED.fetched_at, gone_at = EXCLUDED.gone_at`,
      [name, state.etag, state.goneAt],
    );
  },

  async touchPackage(tx: EntityManager, name: string): Promise<void> {
    await tx.query(`UPDATE ${quotedSchemaOf(tx.connection)}.upstream_packages SET fetched_at = now() WHERE name = $1`, [name]);
  },

  /** Versions recorded from the upstream, with what the upstream said about them since. */
  async versions(tx: EntityManager, name: string): Promise<UpstreamVersionRecord[]> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ version: string; integrity: string; state: 'live' | 'unpublished'; tarball_url: string; cached_at: Date | null; tampered_integrity: string | null; removed_at: Date | null }> =
      await tx.query(
        `SELECT v.version, v.integrity, v.state, u.tarball_url, u.cached_at, u.tampered_integrity, u.removed_at
           FROM ${s}.versions v JOIN ${s}.upstream_versions u USING (name, version)
          WHERE v.name = $1 ORDER BY v.published_at, v.version`,
        [name],
      );
    return rows.map((r) => ({
      version: r.version,
      integrity: r.integrity,
      state: r.state,
      tarballUrl: r.tarball_url,
      cachedAt: r.cached_at,
      tamperedIntegrity: r.tampered_integrity,
      removedAt: r.removed_at,
    }));
  },

  async hasPublishedVersions(tx: EntityManager, name: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM ${quotedSchemaOf(tx.connection)}.versions WHERE name = $1 AND source = 'published' LIMIT 1`, [name]);
    return rows.length > 0;
  },

  async hasUpstreamVersions(tx: EntityManager, name: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM ${quotedSchemaOf(tx.connection)}.versions WHERE name = $1 AND source = 'upstream' LIMIT 1`, [name]);
    return rows.length > 0;
  },

  /**
   * Records versions read through, with their `versions` rows: one statement each, whatever their
   * number (a package's whole history arrives at once).
   */
  async insertVersions(tx: EntityManager, rows: readonly UpstreamVersionRow[]): Promise<void> {
    if (rows.length === 0) return;
    const s = quotedSchemaOf(tx.connection);
    const column = <T>(pick: (r: UpstreamVersionRow) => T) => rows.map(pick);
    await tx.query(
      `INSERT INTO ${s}.versions (name, version, integrity, shasum, blob_key, size, manifest, source, dist_tag, published_at, ingested_at)
       SELECT n, v, i, sh, b, 0, m::jsonb, 'upstream', t, p, a
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[]) AS x(n, v, i, sh, b, m, t, p, a)`,
      [
        column((r) => r.name),
        column((r) => r.version),
        column((r) => r.integrity),
        column((r) => r.shasum),
        column((r) => r.blobKey),
        column((r) => JSON.stringify(r.manifest)),
        column((r) => r.distTag),
        column((r) => r.publishedAt),
        column((r) => r.ingestedAt),
      ],
    );
    await tx.query(
      `INSERT INTO ${s}.upstream_versions (name, version, verification, upstream_keyid, tarball_url)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [column((r) => r.name), column((r) => r.version), column((r) => r.verification), column((r) => r.upstreamKeyid ?? null), column((r) => r.tarballUrl)],
    );
  },

  /** Records other bytes reported upstream; false when this very integrity was recorded already. */
  async markTampered(tx: EntityManager, name: string, version: string, upstreamIntegrity: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `UPDATE ${quotedSchemaOf(tx.connection)}.upstream_versions SET tampered_integrity = $3, tampered_at = now()
        WHERE name = $1 AND version = $2 AND tampered_integrity IS DISTINCT FROM $3 RETURNING version`,
      [name, version, upstreamIntegrity],
    );
    return rows.length > 0;
  },

  /** Records a removal upstream; false when it was recorded already. */
  async markRemoved(tx: EntityManager, name: string, version: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `UPDATE ${quotedSchemaOf(tx.connection)}.upstream_versions SET removed_at = now() WHERE name = $1 AND version = $2 AND removed_at IS NULL RETURNING version`,
      [name, version],
    );
    return rows.length > 0;
  },

  /** A version reappearing upstream is no longer "removed" (a later removal alerts again). */
  async clearRemoved(tx: EntityManager, name: string, versions: readonly string[]): Promise<void> {
    await tx.query(`UPDATE ${quotedSchemaOf(tx.connection)}.upstream_versions SET removed_at = NULL WHERE name = $1 AND version = ANY($2) AND removed_at IS NOT NULL`, [
      name,
      [...versions],
    ]);
  },

  /** Records a refusal; false when the same refusal was recorded (and alerted) before. */
  async recordRefusal(tx: EntityManager, name: string, version: string, upstreamIntegrity: string, reason: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO ${quotedSchemaOf(tx.connection)}.upstream_refusals (name, version, upstream_integrity, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING version`,
      [name, version, upstreamIntegrity, reason],
    );
    return rows.length > 0;
  },

  async tarball(tx: EntityManager, name: string, version: string): Promise<{ integrity: string; blobKey: string; state: string; cachedAt: Date | null } | null> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ integrity: string; blob_key: string; state: string; cached_at: Date | null }> = await tx.query(
      `SELECT v.integrity, v.blob_key, v.state, u.cached_at FROM ${s}.versions v JOIN ${s}.upstream_versions u USING (name, version) WHERE v.name = $1 AND v.version = $2`,
      [name, version],
    );
    return rows.length === 0 ? null : { integrity: rows[0].integrity, blobKey: rows[0].blob_key, state: rows[0].state, cachedAt: rows[0].cached_at };
  },

  async markCached(tx: EntityManager, name: string, version: string, size: number): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `UPDATE ${quotedSchemaOf(tx.connection)}.upstream_versions SET cached_at = now(), tarball_size = $3 WHERE name = $1 AND version = $2 AND cached_at IS NULL RETURNING version`,
      [name, version, size],
    );
    return rows.length > 0;
  },

  /** The trusted keys: undefined when never fetched, null when the upstream publishes none. */
  async trustedKeys(tx: EntityManager): Promise<UpstreamKey[] | null | undefined> {
    const rows: Array<{ keys: UpstreamKey[] | null }> = await tx.query(`SELECT keys FROM ${quotedSchemaOf(tx.connection)}.upstream_trust WHERE id = 1`);
    return rows.length === 0 ? undefined : rows[0].keys;
  },

  /** Stores the first key set seen (trust on first use); never replaces one already stored. */
  async trustFirstKeys(tx: EntityManager, keys: UpstreamKey[] | null): Promise<void> {
    await tx.query(`INSERT INTO ${quotedSchemaOf(tx.connection)}.upstream_trust (id, keys, fetched_at) VALUES (1, $1, now()) ON CONFLICT (id) DO NOTHING`, [
      keys === null ? null : JSON.stringify(keys),
    ]);
  },

  /** Records a changed key set seen upstream; false when it was recorded (and alerted) before. */
  async recordKeyChange(tx: EntityManager, fingerprint: string, keys: UpstreamKey[] | null): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO ${quotedSchemaOf(tx.connection)}.upstream_key_changes (fingerprint, keys) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING fingerprint`,
      [fingerprint, keys === null ? null : JSON.stringify(keys)],
    );
    return rows.length > 0;
  },
};

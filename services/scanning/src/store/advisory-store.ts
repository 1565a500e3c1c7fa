import { isMalicious, npmPackageNames, type OsvRecord } from '@palisade/osv';
import type { KnownAdvisory } from '../domain/judge-version';
import type { Queryable } from './queryable';

export interface StoredAdvisory extends KnownAdvisory {
  npmId: number;
}

/** Non-withdrawn advisories naming each of `names`. */
export async function advisoriesForNames(q: Queryable, names: readonly string[]): Promise<Map<string, StoredAdvisory[]>> {
  const byName = new Map<string, StoredAdvisory[]>();
  if (names.length === 0) return byName;
  const rows = await q.query<Array<{ name: string; id: string; npm_id: string; aliases: string[]; malicious: boolean; record: OsvRecord }>>(
    `SELECT p.name, a.id, a.npm_id, a.aliases, a.malicious, a.record
       FROM advisory_package p JOIN advisory a ON a.id = p.advisory_id
      WHERE p.name = ANY($1) AND a.withdrawn IS NULL`,
    [names],
  );
  for (const row of rows) {
    const list = byName.get(row.name) ?? [];
    list.push({ id: row.id, npmId: Number(row.npm_id), aliases: row.aliases, malicious: row.malicious, record: row.record });
    byName.set(row.name, list);
  }
  return byName;
}

/** `modified` (epoch ms) of the stored copies of `ids`. */
export async function storedModified(q: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
  const rows = await q.query<Array<{ id: string; modified: Date }>>('SELECT id, modified FROM advisory WHERE id = ANY($1)', [ids]);
  return new Map(rows.map((r) => [r.id, r.modified.getTime()]));
}

/** Inserts or replaces an advisory and its name index; its npm id never changes. */
export async function saveAdvisory(q: Queryable, record: OsvRecord, source: string): Promise<void> {
  const names = npmPackageNames(record);
  await q.query(
    `INSERT INTO advisory (id, modified, published, withdrawn, aliases, names, malicious, summary, record, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (id) DO UPDATE SET modified = EXCLUDED.modified, published = EXCLUDED.published, withdrawn = EXCLUDED.withdrawn,
       aliases = EXCLUDED.aliases, names = EXCLUDED.names, malicious = EXCLUDED.malicious, summary = EXCLUDED.summary,
       record = EXCLUDED.record, source = EXCLUDED.source, imported_at = now()`,
    [
      record.id,
      record.modified,
      record.published ?? null,
      record.withdrawn ?? null,
      record.aliases ?? [],
      names,
      isMalicious(record),
      record.summary ?? '',
      JSON.stringify(record),
      source,
    ],
  );
  await q.query('DELETE FROM advisory_package WHERE advisory_id = $1 AND NOT (name = ANY($2))', [record.id, names]);
  await q.query('INSERT INTO advisory_package (name, advisory_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', [names, record.id]);
}

export interface AdvisoryDb {
  revision: number;
  version: string;
}

export async function advisoryDb(q: Queryable): Promise<AdvisoryDb> {
  const rows = await q.query<Array<{ revision: string; version: string }>>('SELECT revision, version FROM advisory_db');
  return { revision: Number(rows[0].revision), version: rows[0].version };
}

/** A new database version after an import changed something: `r<revision>-<ISO time>`. */
export async function bumpAdvisoryDb(q: Queryable, now = new Date()): Promise<AdvisoryDb> {
  const rows = await q.query<Array<{ revision: string; version: string }>>(
    `UPDATE advisory_db SET revision = revision + 1, version = 'r' || (revision + 1) || '-' || $1, updated_at = now() RETURNING revision, version`,
    [now.toISOString()],
  );
  return { revision: Number(rows[0].revision), version: rows[0].version };
}

/** Advisory counts for the admin status endpoint. */
export async function advisoryCounts(q: Queryable): Promise<{ total: number; withdrawn: number; malicious: number }> {
  const rows = await q.query<Array<{ total: string; withdrawn: string; malicious: string }>>(
    'SELECT count(*) AS total, count(withdrawn) AS withdrawn, count(*) FILTER (WHERE malicious) AS malicious FROM advisory',
  );
  return { total: Number(rows[0].total), withdrawn: Number(rows[0].withdrawn), malicious: Number(rows[0].malicious) };
}

import type { Likelihood } from '@palisade/osv';
import type { Queryable } from './queryable';

/** EPSS and KEV data per CVE id, for the CVEs given. */
export async function likelihoodByCve(q: Queryable, cves: readonly string[]): Promise<Map<string, Likelihood>> {
  const out = new Map<string, Likelihood>();
  if (cves.length === 0) return out;
  const epss = await q.query<Array<{ cve: string; score: number }>>('SELECT cve, score FROM epss WHERE cve = ANY($1)', [cves]);
  for (const row of epss) out.set(row.cve, { epss: row.score });
  const kev = await q.query<Array<{ cve: string }>>('SELECT cve FROM kev WHERE cve = ANY($1)', [cves]);
  for (const row of kev) out.set(row.cve, { ...out.get(row.cve), kev: true });
  return out;
}

/** The strongest likelihood over an advisory's id and aliases. */
export function likelihoodOf(ids: readonly string[], byCve: ReadonlyMap<string, Likelihood>): Likelihood {
  let result: Likelihood = {};
  for (const id of ids) {
    const l = byCve.get(id);
    if (!l) continue;
    result = {
      ...(l.epss !== undefined || result.epss !== undefined ? { epss: Math.max(l.epss ?? 0, result.epss ?? 0) } : {}),
      ...(l.kev || result.kev ? { kev: true } : {}),
    };
  }
  return result;
}

export interface EpssRow {
  cve: string;
  score: number;
  percentile: number;
}

/** Upserts EPSS rows in one statement per batch. */
export async function saveEpss(q: Queryable, rows: readonly EpssRow[], scoredOn: string): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO epss (cve, score, percentile, scored_on) SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::text[])
     ON CONFLICT (cve) DO UPDATE SET score = EXCLUDED.score, percentile = EXCLUDED.percentile, scored_on = EXCLUDED.scored_on`,
    [rows.map((r) => r.cve), rows.map((r) => r.score), rows.map((r) => r.percentile), rows.map(() => scoredOn)],
  );
}

/** Replaces the KEV catalogue. */
export async function replaceKev(q: Queryable, rows: ReadonlyArray<{ cve: string; dateAdded: string }>, catalogVersion: string): Promise<void> {
  await q.query('DELETE FROM kev');
  if (rows.length === 0) return;
  await q.query(`INSERT INTO kev (cve, date_added, catalog_version) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`, [
    rows.map((r) => r.cve),
    rows.map((r) => r.dateAdded),
    rows.map(() => catalogVersion),
  ]);
}

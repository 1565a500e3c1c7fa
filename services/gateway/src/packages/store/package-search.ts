import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@palisade/platform';
import { quotedSchemaOf } from '@palisade/persistence';
import { RegistryHttpError } from '../../http/registry-errors';
import { containsPattern, type SearchQuery } from '../domain/search-query';

/** How long one search may run in PostgreSQL before it is cancelled (503: narrow the search). */
export const SEARCH_STATEMENT_TIMEOUT_MS = 3_000;
/** PostgreSQL's query_canceled, which a statement timeout raises. */
const QUERY_CANCELED = '57014';

/** Names of packages a view serves that match a search, one page of them, and how many match in all. */
@Injectable()
export class PackageSearch {
  private readonly s: string;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.s = quotedSchemaOf(dataSource);
  }

  async find(view: string, query: SearchQuery, from: number, size: number): Promise<{ names: string[]; total: number }> {
    const s = this.s;
    const params: unknown[] = [view];
    const param = (value: unknown) => `$${params.push(value)}`;
    const visible = (alias: string) =>
      `SELECT 1 FROM ${s}.package_versions ${alias}
         JOIN ${s}.view_admissions a_${alias} ON a_${alias}.view = $1 AND a_${alias}.name = ${alias}.name AND a_${alias}.version = ${alias}.version AND a_${alias}.integrity = ${alias}.integrity
        WHERE ${alias}.name = p.name AND ${alias}.manifest_json IS NOT NULL AND ${alias}.unpublished_at IS NULL`;
    const where = [`EXISTS (${visible('v')})`];
    for (const [i, term] of query.terms.entries()) {
      const t = param(containsPattern(term));
      where.push(`(p.name ILIKE ${t} OR EXISTS (${visible(`t${i}`)} AND (t${i}.description ILIKE ${t} OR t${i}.keywords ILIKE ${t})))`);
    }
    for (const [i, keyword] of query.keywords.entries()) {
      where.push(`EXISTS (${visible(`k${i}`)} AND k${i}.keywords ILIKE ${param(containsPattern(keyword))})`);
    }
    if (query.scope) where.push(`p.name LIKE ${param(`@${query.scope.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`)}`);
    if (query.maintainer) where.push(`EXISTS (SELECT 1 FROM ${s}.package_maintainers m WHERE m.name = p.name AND m.username = ${param(query.maintainer)})`);
    const exact = param(query.terms.join(' ').toLowerCase());
    try {
      // SET LOCAL: the timeout holds for this transaction only, not for the pooled connection.
      return await this.dataSource.transaction(async (tx) => {
        await tx.query(`SET LOCAL statement_timeout = ${SEARCH_STATEMENT_TIMEOUT_MS}`);
        const rows: Array<{ name: string; total: string }> = await tx.query(
          `SELECT p.name, count(*) OVER () AS total FROM ${s}.packages p WHERE ${where.join(' AND ')}
            ORDER BY (lower(p.name) = ${exact}) DESC, p.name LIMIT ${param(size)} OFFSET ${param(from)}`,
          params,
        );
        if (rows.length > 0 || from === 0) return { names: rows.map((r) => r.name), total: rows.length > 0 ? Number(rows[0].total) : 0 };
        // A page past the end still reports how many there are.
        const counted: Array<{ total: string }> = await tx.query(`SELECT count(*) AS total FROM ${s}.packages p WHERE ${where.join(' AND ')}`, params.slice(0, -3));
        return { names: [], total: Number(counted[0].total) };
      });
    } catch (e: unknown) {
      if ((e as { code?: unknown; driverError?: { code?: unknown } }).code === QUERY_CANCELED || (e as { driverError?: { code?: unknown } }).driverError?.code === QUERY_CANCELED) {
        throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the search took too long; use fewer or longer words', { cause: e });
      }
      throw e;
    }
  }
}

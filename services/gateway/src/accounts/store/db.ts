import type { DataSource, EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** The data source, or the transaction a caller is in. */
export type Db = Pick<EntityManager, 'query'>;

/** `"palisade_gateway".<table>`: raw SQL stays in the service's schema whatever the search_path. */
export function tableIn(dataSource: DataSource, table: string): string {
  return `${quotedSchemaOf(dataSource)}.${table}`;
}

/** Postgres timestamps as npm shows them. */
export function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

/** Rows an UPDATE or DELETE … RETURNING gave back: TypeORM answers those two with `[rows, rowCount]`. */
export async function modify<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  const [rows]: [T[], number] = await db.query(sql, params);
  return rows;
}

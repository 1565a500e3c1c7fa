/** A DataSource or a transaction's EntityManager: anything that runs SQL in the service schema. */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

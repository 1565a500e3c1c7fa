import type { DataSource, QueryRunner } from 'typeorm';

/** The schema a data source (or a migration's query runner) is bound to, quoted for SQL. */
export function quotedSchemaOf(source: DataSource | QueryRunner): string {
  const dataSource = 'connection' in source ? source.connection : source;
  const schema = (dataSource.options as { schema?: string }).schema ?? 'public';
  return `"${schema}"`;
}

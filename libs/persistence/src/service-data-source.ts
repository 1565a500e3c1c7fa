import { Client } from 'pg';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { PalisadeError } from '@palisade/errors';

export interface ServiceStoreOptions {
  /** PostgreSQL connection URL. */
  url: string;
  /** The schema this service owns; no other service reads or writes it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A pool client that never lets its connection's failure crash the process. A client emits
 * `error` when its connection dies while no query runs on it (PostgreSQL shutting down sends
 * every backend a FATAL 57P01); the pool listens only while the client is idle, a query runner
 * only while it holds it, and an `error` event with no listener is an uncaught exception. Whoever
 * holds the client learns of the failure from its next query, and the pool drops it on release.
 */
export class GuardedClient extends Client {
  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    this.on('error', () => undefined);
  }
}

/**
 * A TypeORM data source bound to one service's schema. Migrations only: `synchronize` is never
 * on, so the schema a service runs against is always one its migrations produced.
 */
export function createServiceDataSource(options: ServiceStoreOptions): DataSource {
  if (!SCHEMA_NAME.test(options.schema)) {
    throw new PalisadeError('STORE_SCHEMA_INVALID', `schema name ${JSON.stringify(options.schema)} is not a plain lower-case identifier`);
  }
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    applicationName: options.applicationName ?? options.schema,
    // search_path keeps raw SQL inside the service's own schema too, not only TypeORM entities.
    extra: { max: options.poolSize ?? 10, options: `-c search_path=${options.schema}`, Client: GuardedClient },
    logging: false,
  });
}

/**
 * Connects, creates the schema when it is missing and runs pending migrations. Concurrent
 * replicas starting together serialise on an advisory lock so each migration runs once.
 */
export async function openServiceStore(options: ServiceStoreOptions): Promise<DataSource> {
  const dataSource = createServiceDataSource(options);
  try {
    await dataSource.initialize();
  } catch (error: unknown) {
    throw new PalisadeError('STORE_UNAVAILABLE', `cannot connect to PostgreSQL for schema ${options.schema}: ${(error as Error).message}`, { cause: error });
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`palisade-migrate:${options.schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`palisade-migrate:${options.schema}`]);
    }
  } catch (error: unknown) {
    await dataSource.destroy().catch(() => undefined);
    throw new PalisadeError('STORE_MIGRATION_FAILED', `migrations failed for schema ${options.schema}: ${(error as Error).message}`, { cause: error });
  } finally {
    await runner.release();
  }
  return dataSource;
}

/** True when a trivial query succeeds; used by readiness probes. */
export async function isStoreReachable(dataSource: DataSource): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  try {
    await dataSource.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

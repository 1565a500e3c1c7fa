import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** Reconciliation pages through live versions by acceptance time, every minute. */
export class IngestReconcileIndex1770000000100 implements MigrationInterface {
  name = 'IngestReconcileIndex1770000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX versions_live_ingested_at ON ${quotedSchemaOf(runner)}.versions (ingested_at, name, version) WHERE state = 'live'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX ${quotedSchemaOf(runner)}.versions_live_ingested_at`);
  }
}

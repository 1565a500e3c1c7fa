import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** Lets retention find downloads not seen for long and old alerts without scanning their tables. */
export class RecallRetentionIndexes1769000000100 implements MigrationInterface {
  name = 'RecallRetentionIndexes1769000000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE INDEX IF NOT EXISTS download_last_seen ON ${s}.download (last_seen_at)`);
    await runner.query(`CREATE INDEX IF NOT EXISTS alert_log_received ON ${s}.alert_log (received_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP INDEX IF EXISTS ${s}.alert_log_received`);
    await runner.query(`DROP INDEX IF EXISTS ${s}.download_last_seen`);
  }
}

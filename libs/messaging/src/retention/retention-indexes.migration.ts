import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** Lets retention find old sent outbox rows and old inbox ids without scanning either table. */
export class MessagingRetentionIndexes1769000000000 implements MigrationInterface {
  name = 'MessagingRetentionIndexes1769000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE INDEX IF NOT EXISTS outbox_sent ON ${s}.outbox (sent_at) WHERE sent_at IS NOT NULL`);
    await runner.query(`CREATE INDEX IF NOT EXISTS inbox_processed ON ${s}.inbox (processed_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP INDEX IF EXISTS ${s}.inbox_processed`);
    await runner.query(`DROP INDEX IF EXISTS ${s}.outbox_sent`);
  }
}

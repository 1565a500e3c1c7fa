import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * When a view last dismissed a version (`version.dismissed`). Admissions and dismissals arrive on
 * separate consumers, so a late admission older than the dismissal must not bring it back.
 */
export class ViewDismissals1766500000000 implements MigrationInterface {
  name = 'ViewDismissals1766500000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.view_dismissals (
      view text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      reason text NOT NULL,
      dismissed_at timestamptz NOT NULL,
      PRIMARY KEY (view, name, version))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.view_dismissals`);
  }
}

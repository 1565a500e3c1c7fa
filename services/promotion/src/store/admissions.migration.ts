import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** Which version is admitted to which view, and why. A row is the promotion service's decision. */
export class Admissions1765200000000 implements MigrationInterface {
  name = 'Admissions1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.admission (
      view text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      policy_version int NOT NULL,
      reason text NOT NULL,
      admitted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (view, name, version))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.admission`);
  }
}

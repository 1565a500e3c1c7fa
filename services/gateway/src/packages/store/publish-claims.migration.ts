import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * Claims of names and scopes by their first publish. A claim is pending (`accepted` false) while
 * the first publish is in flight, so a concurrent first publish by someone else is refused at
 * once; it becomes permanent when a version is accepted and is deleted when the publish is
 * refused. A pending claim left by a crashed gateway lapses after a while (see PublishClaims).
 * Scope claims made before this migration were made by accepted or refused publishes alike; they
 * stay as they are (accepted).
 */
export class PublishClaims1766700000000 implements MigrationInterface {
  name = 'PublishClaims1766700000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.name_claims (
      name text PRIMARY KEY,
      owner text NOT NULL,
      accepted boolean NOT NULL DEFAULT false,
      claimed_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`ALTER TABLE ${s}.scope_owners ADD COLUMN accepted boolean NOT NULL DEFAULT true`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.scope_owners DROP COLUMN accepted`);
    await runner.query(`DROP TABLE ${s}.name_claims`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * Recall quarantines per view and version (`version.quarantined` / `version.released`): the
 * newest event wins. `mode` is null when the event left it to the view's policy.
 */
export class Quarantines1767300000000 implements MigrationInterface {
  name = 'Quarantines1767300000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.quarantine (
      view text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      recall_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('quarantined', 'released')),
      mode text CHECK (mode IN ('warn', 'block')),
      reason text NOT NULL DEFAULT '',
      changed_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (view, name, version))`);
    await runner.query(`CREATE INDEX quarantine_version ON ${s}.quarantine (name, version) WHERE state = 'quarantined'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.quarantine`);
  }
}

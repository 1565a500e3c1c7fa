import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * Recall quarantines per view and exact bytes (`version.quarantined` / `version.released`), one row
 * per case. A release keeps its row as `released` with its time, so that a quarantine event older
 * than the release, arriving late, cannot bring the quarantine back. `integrity` and `recall_id`
 * are empty when the event named none (any bytes; every case).
 */
export class GatewayQuarantines1766600000000 implements MigrationInterface {
  name = 'GatewayQuarantines1766600000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.version_quarantines (
      view text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      recall_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('quarantined', 'released')),
      -- The mode served while quarantined (kept after a release: the mode that was lifted).
      mode text CHECK (mode IN ('warn', 'block')),
      reason text NOT NULL,
      changed_at timestamptz NOT NULL,
      CHECK (state = 'released' OR mode IS NOT NULL),
      PRIMARY KEY (view, name, version, integrity, recall_id))`);
    await runner.query(`CREATE INDEX version_quarantines_active ON ${s}.version_quarantines (name, version) WHERE state = 'quarantined'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.version_quarantines`);
  }
}

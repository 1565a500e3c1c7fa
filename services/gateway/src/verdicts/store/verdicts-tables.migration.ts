import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** The latest scan verdict of each version (exact bytes), from `version.scanned`. */
export class GatewayVerdicts1766400000000 implements MigrationInterface {
  name = 'GatewayVerdicts1766400000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.version_verdicts (
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      verdict text NOT NULL CHECK (verdict IN ('clean', 'warn', 'block')),
      reason text NOT NULL,
      scanned_at timestamptz NOT NULL,
      PRIMARY KEY (name, version, integrity))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.version_verdicts`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * A version's publisher provenance: the stored `.sigstore` bundle (its blob key, served back
 * unchanged) and what ingest checked and read from it (predicate type, source repository, commit).
 */
export class IngestVersionsProvenance1766000000100 implements MigrationInterface {
  name = 'IngestVersionsProvenance1766000000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.versions ADD COLUMN provenance_key text, ADD COLUMN provenance jsonb`);
    await runner.query(`ALTER TABLE ${s}.versions ADD CONSTRAINT versions_provenance_complete CHECK ((provenance_key IS NULL) = (provenance IS NULL))`);
    await runner.query(`CREATE INDEX versions_provenance_key ON ${s}.versions (provenance_key) WHERE provenance_key IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP INDEX ${s}.versions_provenance_key`);
    await runner.query(`ALTER TABLE ${s}.versions DROP CONSTRAINT versions_provenance_complete, DROP COLUMN provenance, DROP COLUMN provenance_key`);
  }
}

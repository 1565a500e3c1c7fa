import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** The predicate type of a version's provenance bundle, so packuments can advertise `dist.attestations` without reading the bundle. */
export class PackagesProvenance1766100000100 implements MigrationInterface {
  name = 'PackagesProvenance1766100000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${quotedSchemaOf(runner)}.package_versions ADD COLUMN provenance_predicate_type text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${quotedSchemaOf(runner)}.package_versions DROP COLUMN provenance_predicate_type`);
  }
}

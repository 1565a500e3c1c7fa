import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * When the upstream's listing of a package read through (`version.listed`) was first applied
 * whole. A tagged version's `version.ingested` can arrive before it; until then, views that list
 * unjudged versions do not show the package (it would look like it had only that version).
 * Packages recorded before listings existed count as listed. A listing in several parts (applied
 * in any order) is whole once `upstream_listings` has counted all of them.
 */
export class PackagesListed1771000000300 implements MigrationInterface {
  name = 'PackagesListed1771000000300';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.packages ADD COLUMN upstream_listed_at timestamptz`);
    await runner.query(`UPDATE ${s}.packages SET upstream_listed_at = modified_at`);
    await runner.query(`CREATE TABLE ${s}.upstream_listings (
      name text NOT NULL,
      listing text NOT NULL,
      parts integer NOT NULL,
      applied integer NOT NULL,
      PRIMARY KEY (name, listing))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP TABLE ${s}.upstream_listings`);
    await runner.query(`ALTER TABLE ${s}.packages DROP COLUMN upstream_listed_at`);
  }
}

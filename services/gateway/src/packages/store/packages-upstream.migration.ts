import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * Where a version came from, and for upstream versions the URL their bytes are fetched from on
 * first request (they are recorded from the upstream packument before any byte is stored).
 */
export class PackagesUpstream1766300000100 implements MigrationInterface {
  name = 'PackagesUpstream1766300000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.package_versions ADD COLUMN source text NOT NULL DEFAULT 'published' CHECK (source IN ('published', 'upstream')),
      ADD COLUMN upstream_tarball_url text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.package_versions DROP COLUMN upstream_tarball_url, DROP COLUMN source`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * The scanning service's store: the advisory database (OSV records indexed by npm name, EPSS and
 * KEV likelihood data, a database revision) and one verdict per scanned version.
 */
export class ScanningTables1766100000000 implements MigrationInterface {
  name = 'ScanningTables1766100000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    // npm_id: npm's audit shape wants a stable number per advisory; a sequence never reuses one.
    await runner.query(`CREATE TABLE ${s}.advisory (
      id text PRIMARY KEY,
      npm_id bigserial UNIQUE,
      modified timestamptz NOT NULL,
      published timestamptz,
      withdrawn timestamptz,
      aliases text[] NOT NULL DEFAULT '{}',
      names text[] NOT NULL DEFAULT '{}',
      malicious boolean NOT NULL,
      summary text NOT NULL,
      record jsonb NOT NULL,
      source text NOT NULL,
      imported_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX advisory_aliases_idx ON ${s}.advisory USING gin (aliases)`);
    await runner.query(`CREATE TABLE ${s}.advisory_package (
      name text NOT NULL,
      advisory_id text NOT NULL REFERENCES ${s}.advisory (id) ON DELETE CASCADE,
      PRIMARY KEY (name, advisory_id))`);
    await runner.query(`CREATE TABLE ${s}.advisory_db (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      revision bigint NOT NULL,
      version text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`INSERT INTO ${s}.advisory_db (revision, version) VALUES (0, 'empty')`);
    await runner.query(`CREATE TABLE ${s}.epss (cve text PRIMARY KEY, score double precision NOT NULL, percentile double precision NOT NULL, scored_on text NOT NULL)`);
    await runner.query(`CREATE TABLE ${s}.kev (cve text PRIMARY KEY, date_added text NOT NULL, catalog_version text NOT NULL)`);
    await runner.query(`CREATE TABLE ${s}.import_run (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      source text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      report jsonb,
      error text)`);
    await runner.query(`CREATE TABLE ${s}.scanned_version (
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      source smallint NOT NULL,
      manifest jsonb NOT NULL,
      bytes_scanned boolean NOT NULL,
      heuristic_verdict text NOT NULL,
      heuristic_findings jsonb NOT NULL,
      malware_risk int NOT NULL,
      first_scan_advisories text[] NOT NULL,
      advisory_ids text[] NOT NULL,
      verdict text NOT NULL,
      vuln_risk int NOT NULL,
      findings jsonb NOT NULL,
      db_version text NOT NULL,
      scan_count int NOT NULL,
      first_scanned_at timestamptz NOT NULL DEFAULT now(),
      scanned_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, version, integrity))`);
    await runner.query(`CREATE TABLE ${s}.internal_name (name text PRIMARY KEY)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    for (const table of ['internal_name', 'scanned_version', 'import_run', 'kev', 'epss', 'advisory_db', 'advisory_package', 'advisory']) {
      await runner.query(`DROP TABLE ${s}.${table}`);
    }
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * The gateway's package read model. Versions and admissions are fed only by events (ingest,
 * promotion); deprecations, maintainers, dist-tags and scope owners are gateway metadata written
 * by the registry's write routes. Admissions are kept apart from versions so that a promotion
 * arriving before its ingestion is not lost: the two are joined when a packument is rendered.
 */
export class PackagesTables1765000000100 implements MigrationInterface {
  name = 'PackagesTables1765000000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.packages (
      name text PRIMARY KEY,
      revision bigint NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      modified_at timestamptz NOT NULL DEFAULT now(),
      unpublished_at timestamptz)`);
    // A row with unpublished_at set is a tombstone: that name@version never comes back.
    await runner.query(`CREATE TABLE ${s}.package_versions (
      name text NOT NULL,
      version text NOT NULL,
      manifest_json text,
      integrity text,
      blob_key text,
      size bigint,
      published_at timestamptz,
      publisher text,
      provenance_key text,
      description text,
      keywords text,
      deprecated text,
      unpublished_at timestamptz,
      PRIMARY KEY (name, version))`);
    await runner.query(`CREATE TABLE ${s}.view_admissions (
      view text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      admitted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (view, name, version))`);
    await runner.query(`CREATE INDEX view_admissions_by_name ON ${s}.view_admissions (name, version)`);
    await runner.query(`CREATE TABLE ${s}.dist_tags (
      name text NOT NULL,
      tag text NOT NULL,
      version text NOT NULL,
      PRIMARY KEY (name, tag))`);
    await runner.query(`CREATE TABLE ${s}.package_maintainers (
      name text NOT NULL,
      username text NOT NULL,
      email text,
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, username))`);
    await runner.query(`CREATE TABLE ${s}.scope_owners (
      scope text PRIMARY KEY,
      owner text NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    for (const table of ['scope_owners', 'package_maintainers', 'dist_tags', 'view_admissions', 'package_versions', 'packages']) {
      await runner.query(`DROP TABLE ${s}.${table}`);
    }
  }
}

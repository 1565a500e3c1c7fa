import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * The read-through cache's memory of the upstream: per package the validator of the last
 * packument, per recorded upstream version how it was verified, whether its bytes are cached and
 * what the upstream said about it since (other bytes, removal); the trusted upstream keys; and
 * refusals and key changes already alerted, so that each alert is raised once.
 */
export class IngestUpstream1766000001000 implements MigrationInterface {
  name = 'IngestUpstream1766000001000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.upstream_packages (
      name text PRIMARY KEY,
      etag text,
      fetched_at timestamptz NOT NULL,
      gone_at timestamptz)`);
    await runner.query(`CREATE TABLE ${s}.upstream_versions (
      name text NOT NULL,
      version text NOT NULL,
      verification text NOT NULL CHECK (verification IN ('signature', 'integrity-only')),
      upstream_keyid text,
      tarball_url text NOT NULL,
      tarball_size bigint,
      cached_at timestamptz,
      tampered_integrity text,
      tampered_at timestamptz,
      removed_at timestamptz,
      PRIMARY KEY (name, version),
      CHECK ((verification = 'signature') = (upstream_keyid IS NOT NULL)))`);
    await runner.query(`CREATE TABLE ${s}.upstream_refusals (
      name text NOT NULL,
      version text NOT NULL,
      upstream_integrity text NOT NULL,
      reason text NOT NULL,
      refused_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, version, upstream_integrity))`);
    // One row: the keys trusted for the upstream. keys NULL = the upstream publishes none.
    await runner.query(`CREATE TABLE ${s}.upstream_trust (
      id smallint PRIMARY KEY CHECK (id = 1),
      keys jsonb,
      fetched_at timestamptz NOT NULL)`);
    await runner.query(`CREATE TABLE ${s}.upstream_key_changes (
      fingerprint text PRIMARY KEY,
      keys jsonb,
      detected_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    for (const table of ['upstream_key_changes', 'upstream_trust', 'upstream_refusals', 'upstream_versions', 'upstream_packages']) {
      await runner.query(`DROP TABLE ${s}.${table}`);
    }
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * Versioned policies, what the service heard about each version (ingest, scan, signature), open
 * promotion requests and approvals, every decision (and dry run), and when time-based rules must
 * be looked at again.
 */
export class PromotionTables1766200000000 implements MigrationInterface {
  name = 'PromotionTables1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.admission
      ADD COLUMN approvers text[] NOT NULL DEFAULT '{}',
      ADD COLUMN decision jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN requested_by text`);
    await runner.query(`CREATE TABLE ${s}.policy_revision (
      version int PRIMARY KEY,
      digest text NOT NULL,
      origin text NOT NULL,
      document jsonb NOT NULL,
      yaml text NOT NULL,
      applied_by text NOT NULL,
      comment text NOT NULL DEFAULT '',
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE ${s}.version_facts (
      name text NOT NULL,
      version text NOT NULL,
      integrity text,
      source text,
      publisher text,
      published_at timestamptz,
      install_scripts text[],
      has_provenance boolean,
      ingested_at timestamptz,
      scan_integrity text,
      verdict text,
      vuln_risk int,
      malware_risk int,
      max_severity text,
      findings jsonb,
      scanned_at timestamptz,
      signed_integrity text,
      signed_at timestamptz,
      unpublished_at timestamptz,
      evaluated_policy_version int NOT NULL DEFAULT 0,
      PRIMARY KEY (name, version))`);
    await runner.query(`CREATE INDEX version_facts_policy ON ${s}.version_facts (evaluated_policy_version) WHERE unpublished_at IS NULL`);
    await runner.query(`CREATE TABLE ${s}.promotion_request (
      view text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      requested_by text NOT NULL,
      token_id text NOT NULL DEFAULT '',
      reason text NOT NULL DEFAULT '',
      state text NOT NULL,
      requested_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (view, name, version))`);
    await runner.query(`CREATE TABLE ${s}.approval (
      view text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      approver text NOT NULL,
      token_id text NOT NULL DEFAULT '',
      comment text NOT NULL DEFAULT '',
      approved_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (view, name, version, approver))`);
    await runner.query(`CREATE TABLE ${s}.policy_dry_run (
      id bigserial PRIMARY KEY,
      digest text NOT NULL,
      yaml text NOT NULL,
      based_on_version int NOT NULL,
      requested_by text NOT NULL,
      comment text NOT NULL DEFAULT '',
      summary jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE ${s}.decision (
      id bigserial PRIMARY KEY,
      view text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      policy_version int NOT NULL,
      outcome text NOT NULL,
      reasons jsonb NOT NULL,
      trigger text NOT NULL,
      actor text NOT NULL DEFAULT '',
      dry_run_id bigint REFERENCES ${s}.policy_dry_run (id),
      decided_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX decision_latest ON ${s}.decision (name, version, view, id) WHERE dry_run_id IS NULL`);
    await runner.query(`CREATE TABLE ${s}.reevaluation_due (
      name text NOT NULL,
      version text NOT NULL,
      due_at timestamptz NOT NULL,
      PRIMARY KEY (name, version))`);
    await runner.query(`CREATE INDEX reevaluation_due_at ON ${s}.reevaluation_due (due_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    for (const table of ['reevaluation_due', 'decision', 'policy_dry_run', 'approval', 'promotion_request', 'version_facts', 'policy_revision']) {
      await runner.query(`DROP TABLE ${s}.${table}`);
    }
    await runner.query(`ALTER TABLE ${s}.admission DROP COLUMN approvers, DROP COLUMN decision, DROP COLUMN requested_by`);
  }
}

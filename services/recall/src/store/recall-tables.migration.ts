import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * The recall service's own catalogue (versions, admissions per view, last verdicts, advisories,
 * downloads), its cases (affected versions, enforcement per version and view, timeline,
 * overrides) and the deployments CI reports.
 */
export class RecallTables1767000000000 implements MigrationInterface {
  name = 'RecallTables1767000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.catalog_version (
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      source text NOT NULL,
      published_at timestamptz,
      unpublished_at timestamptz,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, version))`);
    await runner.query(`CREATE TABLE ${s}.catalog_admission (
      name text NOT NULL,
      version text NOT NULL,
      view text NOT NULL,
      integrity text NOT NULL,
      admitted boolean NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (name, version, view))`);
    await runner.query(`CREATE TABLE ${s}.catalog_verdict (
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      verdict text NOT NULL,
      advisory_ids text[] NOT NULL DEFAULT '{}',
      scanned_at timestamptz NOT NULL,
      PRIMARY KEY (name, version, integrity))`);
    await runner.query(`CREATE TABLE ${s}.advisory (
      id text PRIMARY KEY,
      severity int NOT NULL,
      summary text NOT NULL,
      published_at timestamptz,
      modified_at timestamptz,
      withdrawn_at timestamptz)`);
    await runner.query(`CREATE TABLE ${s}.download (
      name text NOT NULL,
      version text NOT NULL,
      view text NOT NULL,
      principal text NOT NULL,
      token_id text NOT NULL,
      user_agent text NOT NULL,
      count bigint NOT NULL,
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      PRIMARY KEY (name, version, view, principal, token_id, user_agent))`);

    await runner.query(`CREATE TABLE ${s}.recall_case (
      id text PRIMARY KEY,
      name text NOT NULL,
      trigger text NOT NULL,
      advisory_id text NOT NULL DEFAULT '',
      group_key text,
      severity int NOT NULL,
      reason text NOT NULL,
      evidence jsonb NOT NULL DEFAULT '{}',
      views text[] NOT NULL DEFAULT '{}',
      drill boolean NOT NULL DEFAULT false,
      opened_by text NOT NULL,
      opened_at timestamptz NOT NULL,
      detectable_since timestamptz,
      status text NOT NULL,
      resolution text,
      contained_at timestamptz,
      closed_at timestamptz,
      closed_by text,
      close_reason text,
      steps jsonb NOT NULL DEFAULT '[]')`);
    await runner.query(`CREATE UNIQUE INDEX recall_case_open_group ON ${s}.recall_case (group_key) WHERE status <> 'closed' AND group_key IS NOT NULL`);
    await runner.query(`CREATE INDEX recall_case_recent ON ${s}.recall_case (opened_at DESC, id)`);
    await runner.query(`CREATE INDEX recall_case_name ON ${s}.recall_case (name, opened_at DESC)`);
    await runner.query(`CREATE TABLE ${s}.affected_version (
      recall_id text NOT NULL REFERENCES ${s}.recall_case (id),
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL DEFAULT '',
      published_at timestamptz,
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (recall_id, version))`);
    await runner.query(`CREATE INDEX affected_version_lookup ON ${s}.affected_version (name, version)`);
    await runner.query(`CREATE TABLE ${s}.enforcement (
      recall_id text NOT NULL REFERENCES ${s}.recall_case (id),
      name text NOT NULL,
      version text NOT NULL,
      view text NOT NULL,
      view_rank int NOT NULL,
      mode int NOT NULL,
      state text NOT NULL,
      generation int NOT NULL DEFAULT 1,
      planned_at timestamptz NOT NULL DEFAULT now(),
      enforced_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (recall_id, version, view))`);
    await runner.query(`CREATE INDEX enforcement_quarantining ON ${s}.enforcement (name, version) WHERE state IN ('planned', 'enforced')`);
    await runner.query(`CREATE TABLE ${s}.timeline (
      id bigserial PRIMARY KEY,
      recall_id text NOT NULL REFERENCES ${s}.recall_case (id),
      at timestamptz NOT NULL,
      kind text NOT NULL,
      actor text NOT NULL,
      view text NOT NULL DEFAULT '',
      detail text NOT NULL DEFAULT '')`);
    await runner.query(`CREATE INDEX timeline_case ON ${s}.timeline (recall_id, id)`);
    await runner.query(`CREATE TABLE ${s}.recall_override (
      id text PRIMARY KEY,
      recall_id text NOT NULL REFERENCES ${s}.recall_case (id),
      kind text NOT NULL,
      view text NOT NULL DEFAULT '',
      duration_seconds int NOT NULL DEFAULT 0,
      reason text NOT NULL,
      requested_by text NOT NULL,
      requested_token text NOT NULL DEFAULT '',
      requested_at timestamptz NOT NULL,
      state text NOT NULL,
      approved_by text,
      approved_at timestamptz,
      approval_comment text NOT NULL DEFAULT '',
      until timestamptz,
      expired_at timestamptz)`);
    await runner.query(`CREATE INDEX recall_override_case ON ${s}.recall_override (recall_id, requested_at)`);
    await runner.query(`CREATE INDEX recall_override_due ON ${s}.recall_override (until) WHERE state = 'approved' AND kind = 'waiver'`);

    await runner.query(`CREATE TABLE ${s}.deployment (
      id text PRIMARY KEY,
      service text NOT NULL,
      environment text NOT NULL,
      view text NOT NULL,
      format text NOT NULL DEFAULT '',
      reported_by text NOT NULL,
      reference text NOT NULL DEFAULT '',
      reported_at timestamptz NOT NULL)`);
    await runner.query(`CREATE INDEX deployment_latest ON ${s}.deployment (service, environment, reported_at DESC, id DESC)`);
    await runner.query(`CREATE TABLE ${s}.deployment_package (
      deployment_id text NOT NULL REFERENCES ${s}.deployment (id),
      name text NOT NULL,
      version text NOT NULL,
      direct boolean NOT NULL,
      integrity text NOT NULL DEFAULT '',
      PRIMARY KEY (deployment_id, name, version))`);
    await runner.query(`CREATE INDEX deployment_package_version ON ${s}.deployment_package (name, version)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    for (const table of [
      'deployment_package',
      'deployment',
      'recall_override',
      'timeline',
      'enforcement',
      'affected_version',
      'recall_case',
      'download',
      'advisory',
      'catalog_verdict',
      'catalog_admission',
      'catalog_version',
    ]) {
      await runner.query(`DROP TABLE ${s}.${table}`);
    }
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * Upstream versions recorded and listed but not handed to the pipeline yet: each row holds the
 * `version.ingested` event that hands it over, emitted when a client asks for the version's bytes
 * or when the background queue reaches it (newest publication first).
 */
export class IngestUpstreamBacklog1771000000100 implements MigrationInterface {
  name = 'IngestUpstreamBacklog1771000000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.upstream_backlog (
      name text NOT NULL,
      version text NOT NULL,
      published_at timestamptz NOT NULL,
      event bytea NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, version))`);
    await runner.query(`CREATE INDEX upstream_backlog_newest ON ${s}.upstream_backlog (published_at DESC, name, version)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.upstream_backlog`);
  }
}

/**
 * What a dist-tag names waits in the backlog too (judged when asked for, or first in the
 * background queue) instead of going to the pipeline when the package is read through.
 */
export class IngestUpstreamBacklogTagged1771000000200 implements MigrationInterface {
  name = 'IngestUpstreamBacklogTagged1771000000200';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.upstream_backlog ADD COLUMN tagged boolean NOT NULL DEFAULT false`);
    await runner.query(`DROP INDEX ${s}.upstream_backlog_newest`);
    await runner.query(`CREATE INDEX upstream_backlog_next ON ${s}.upstream_backlog (tagged DESC, published_at DESC, name, version)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP INDEX ${s}.upstream_backlog_next`);
    await runner.query(`CREATE INDEX upstream_backlog_newest ON ${s}.upstream_backlog (published_at DESC, name, version)`);
    await runner.query(`ALTER TABLE ${s}.upstream_backlog DROP COLUMN tagged`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * Every version ever recorded. A row is never deleted and its bytes (integrity, shasum, blob)
 * never change: unpublishing only flips `state`, so `name@version` stays bound to one tarball
 * forever. Triggers hold that line even against a buggy statement.
 */
export class IngestVersions1764200000001 implements MigrationInterface {
  name = 'IngestVersions1764200000001';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.versions (
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      shasum text NOT NULL,
      blob_key text NOT NULL,
      size bigint NOT NULL,
      manifest jsonb NOT NULL,
      source text NOT NULL CHECK (source IN ('published', 'upstream')),
      dist_tag text NOT NULL DEFAULT '',
      publisher_principal text,
      publisher_token_id text,
      state text NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'unpublished')),
      published_at timestamptz NOT NULL,
      ingested_at timestamptz NOT NULL,
      unpublished_at timestamptz,
      unpublished_by text,
      PRIMARY KEY (name, version),
      CHECK ((state = 'unpublished') = (unpublished_at IS NOT NULL)))`);
    await runner.query(`CREATE INDEX versions_blob_key ON ${s}.versions (blob_key)`);
    await runner.query(`CREATE FUNCTION ${s}.versions_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'recorded versions are never deleted (%@%)', OLD.name, OLD.version;
        END IF;
        IF (NEW.name, NEW.version, NEW.integrity, NEW.shasum, NEW.blob_key, NEW.size)
           IS DISTINCT FROM (OLD.name, OLD.version, OLD.integrity, OLD.shasum, OLD.blob_key, OLD.size) THEN
          RAISE EXCEPTION 'the bytes of a recorded version never change (%@%)', OLD.name, OLD.version;
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(`CREATE TRIGGER versions_immutable BEFORE UPDATE OR DELETE ON ${s}.versions
      FOR EACH ROW EXECUTE FUNCTION ${s}.versions_are_immutable()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP TABLE ${s}.versions`);
    await runner.query(`DROP FUNCTION ${s}.versions_are_immutable()`);
  }
}

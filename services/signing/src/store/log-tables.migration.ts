import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * The transparency log and the attestations it covers. `log_leaves` is append-only: `leaf_index`
 * is gapless from 0 (assigned under a lock, not by a sequence, whose values a rolled-back
 * transaction would skip and so break positions in the tree). `log_checkpoints` keeps each signed
 * tree head so the same head is not signed twice. `attestations` holds each DSSE envelope with its
 * inclusion receipt for the tree size right after its own leaf.
 */
export class SigningTransparencyLog1766000000110 implements MigrationInterface {
  name = 'SigningTransparencyLog1766000000110';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.log_leaves (
      leaf_index bigint PRIMARY KEY CHECK (leaf_index >= 0),
      leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
      entry bytea NOT NULL,
      kind text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE ${s}.log_checkpoints (
      tree_size bigint NOT NULL,
      root_hash bytea NOT NULL,
      keyid text NOT NULL,
      note text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tree_size, root_hash, keyid))`);
    await runner.query(`CREATE TABLE ${s}.attestations (
      name text NOT NULL,
      version text NOT NULL,
      slot text NOT NULL,
      integrity text NOT NULL,
      predicate_type text NOT NULL,
      envelope text NOT NULL,
      log_index bigint NOT NULL REFERENCES ${s}.log_leaves (leaf_index),
      log_entry text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, version, slot))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    for (const table of ['attestations', 'log_checkpoints', 'log_leaves']) await runner.query(`DROP TABLE ${s}.${table}`);
  }
}

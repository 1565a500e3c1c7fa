import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import { treeNodes } from '@palisade/transparency-log';

/** Rows per INSERT of the backfill. */
const BATCH = 5_000;

/**
 * `log_nodes` keeps the hash of every complete perfect subtree of the log: node (level, idx) is
 * MTH of leaves [idx·2^level, (idx+1)·2^level), level 0 being the leaf hashes. Each append inserts
 * its leaf's nodes in the leaf's transaction, so a root or proof reads O(log n) nodes instead of
 * every leaf. Existing leaves are backfilled here in one pass.
 */
export class SigningLogNodes1766000000120 implements MigrationInterface {
  name = 'SigningLogNodes1766000000120';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.log_nodes (
      level smallint NOT NULL CHECK (level >= 0 AND level < 64),
      idx bigint NOT NULL CHECK (idx >= 0),
      hash bytea NOT NULL CHECK (length(hash) = 32),
      PRIMARY KEY (level, idx))`);
    const leaves: Array<{ leaf_hash: Buffer }> = await runner.query(`SELECT leaf_hash FROM ${s}.log_leaves ORDER BY leaf_index`);
    const nodes = treeNodes(leaves.map((l) => l.leaf_hash));
    for (let i = 0; i < nodes.length; i += BATCH) {
      const batch = nodes.slice(i, i + BATCH);
      await runner.query(`INSERT INTO ${s}.log_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`, [
        batch.map((n) => n.level),
        batch.map((n) => String(n.index)),
        batch.map((n) => n.hash),
      ]);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.log_nodes`);
  }
}

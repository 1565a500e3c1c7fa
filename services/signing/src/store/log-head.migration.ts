import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * `log_head`: the log's size and frontier (the perfect subtrees that make it up, one per set bit of
 * the size) in one row. An append locks that row and reads it in one statement (`FOR UPDATE`
 * returns the row as the previous appender committed it) and moves it in the statement that
 * inserts the leaf: appends serialise, so every round trip they hold the lock for is one every
 * other append waits. Filled here from the existing leaves and nodes.
 */
export class SigningLogHead1766000000130 implements MigrationInterface {
  name = 'SigningLogHead1766000000130';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.log_head (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      size bigint NOT NULL CHECK (size >= 0),
      levels smallint[] NOT NULL,
      hashes bytea[] NOT NULL CHECK (cardinality(hashes) = cardinality(levels)))`);
    await runner.query(
      `WITH t AS (SELECT coalesce(max(leaf_index) + 1, 0)::bigint AS n FROM ${s}.log_leaves),
            frontier AS (
              SELECT t.n, k.level, node.hash FROM t
                LEFT JOIN LATERAL (SELECT l::smallint AS level FROM generate_series(0, 62) AS l WHERE ((t.n >> l) & 1) = 1) k ON true
                LEFT JOIN ${s}.log_nodes node ON node.level = k.level AND node.idx = (t.n >> k.level) - 1)
       INSERT INTO ${s}.log_head (size, levels, hashes)
       SELECT n, coalesce(array_agg(level ORDER BY level) FILTER (WHERE level IS NOT NULL), '{}'),
                 coalesce(array_agg(hash ORDER BY level) FILTER (WHERE level IS NOT NULL), '{}')
         FROM frontier GROUP BY n`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.log_head`);
  }
}

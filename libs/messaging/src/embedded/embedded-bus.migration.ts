import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** Tables of the embedded bus: a message log per stream and per-consumer delivery state. */
export class EmbeddedBusInit1764000000000 implements MigrationInterface {
  name = 'EmbeddedBusInit1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.message (
      seq bigserial PRIMARY KEY,
      id text NOT NULL UNIQUE,
      stream text NOT NULL,
      subject text NOT NULL,
      schema_name text NOT NULL,
      headers jsonb NOT NULL,
      data bytea NOT NULL,
      published_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX message_stream_seq ON ${s}.message (stream, seq)`);
    await runner.query(`CREATE TABLE ${s}.consumer (
      name text PRIMARY KEY,
      stream text NOT NULL,
      filter_subject text NOT NULL,
      ack_floor bigint NOT NULL DEFAULT 0)`);
    await runner.query(`CREATE TABLE ${s}.delivery (
      consumer text NOT NULL,
      seq bigint NOT NULL,
      attempts int NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'acked', 'dead')),
      next_attempt_at timestamptz,
      lease_until timestamptz,
      last_error text,
      PRIMARY KEY (consumer, seq))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP TABLE ${s}.delivery`);
    await runner.query(`DROP TABLE ${s}.consumer`);
    await runner.query(`DROP TABLE ${s}.message`);
  }
}

/**
 * Transient failures of a delivery (they do not count against the consumer's `maxDeliver`), and
 * an index for removing the delivery state of messages the stream limits discarded.
 */
export class EmbeddedBusDeliveryState1764000000002 implements MigrationInterface {
  name = 'EmbeddedBusDeliveryState1764000000002';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.delivery ADD COLUMN IF NOT EXISTS transient_failures int NOT NULL DEFAULT 0`);
    await runner.query(`CREATE INDEX IF NOT EXISTS delivery_seq ON ${s}.delivery (seq)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP INDEX ${s}.delivery_seq`);
    await runner.query(`ALTER TABLE ${s}.delivery DROP COLUMN transient_failures`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import { MessagingRetentionIndexes1769000000000 } from '../retention/retention-indexes.migration';

/**
 * The outbox (events written in the same transaction as the state change) and the inbox
 * (ids of messages a consumer already applied). Every service that publishes or consumes runs
 * this migration in its own schema.
 */
export class MessagingTables1764000000001 implements MigrationInterface {
  name = 'MessagingTables1764000000001';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.outbox (
      position bigserial PRIMARY KEY,
      id text NOT NULL UNIQUE,
      subject text NOT NULL,
      schema_name text NOT NULL,
      headers jsonb NOT NULL,
      data bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      attempts int NOT NULL DEFAULT 0,
      last_error text)`);
    await runner.query(`CREATE INDEX outbox_unsent ON ${s}.outbox (position) WHERE sent_at IS NULL`);
    await runner.query(`CREATE TABLE ${s}.inbox (
      consumer text NOT NULL,
      message_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP TABLE ${s}.inbox`);
    await runner.query(`DROP TABLE ${s}.outbox`);
  }
}

/**
 * Outbox claims: a relay marks the rows it is about to publish (its PostgreSQL session and a
 * lease) in a short statement, then publishes without holding any lock or transaction.
 */
export class OutboxClaims1764000000002 implements MigrationInterface {
  name = 'OutboxClaims1764000000002';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.outbox ADD COLUMN claimed_by int, ADD COLUMN claimed_until timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`ALTER TABLE ${s}.outbox DROP COLUMN claimed_by, DROP COLUMN claimed_until`);
  }
}

/** Every migration of the outbox and inbox tables, in order: what a service runs in its schema. */
export const MESSAGING_MIGRATIONS = [MessagingTables1764000000001, OutboxClaims1764000000002, MessagingRetentionIndexes1769000000000] as const;

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * The alert log (every alert seen on ALERTS, once per message id, in arrival order), the webhook
 * deliveries it queues and every attempt of each.
 */
export class AlertLog1768100000000 implements MigrationInterface {
  name = 'AlertLog1768100000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    // `cloudevent` is json, not jsonb: the envelope is kept byte for byte as published.
    await runner.query(`CREATE TABLE ${s}.alert_log (
      seq bigserial PRIMARY KEY,
      message_id text NOT NULL UNIQUE,
      event_id text NOT NULL,
      subject text NOT NULL,
      cloudevent json NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE ${s}.alert_deliveries (
      id bigserial PRIMARY KEY,
      alert_seq bigint NOT NULL REFERENCES ${s}.alert_log (seq),
      webhook_url text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      claim uuid,
      last_status_code int,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (alert_seq, webhook_url))`);
    await runner.query(`CREATE INDEX alert_deliveries_due ON ${s}.alert_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await runner.query(`CREATE TABLE ${s}.alert_delivery_attempts (
      delivery_id bigint NOT NULL REFERENCES ${s}.alert_deliveries (id),
      attempt int NOT NULL,
      status_code int,
      error text,
      duration_ms int NOT NULL,
      attempted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (delivery_id, attempt))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP TABLE ${s}.alert_delivery_attempts`);
    await runner.query(`DROP TABLE ${s}.alert_deliveries`);
    await runner.query(`DROP TABLE ${s}.alert_log`);
  }
}

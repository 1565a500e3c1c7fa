import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * Users, their tokens (sha512 keys only, never values) and pending web logins. Login sessions
 * live here rather than in memory so that any gateway replica can answer npm's polling.
 */
export class AccountTables1765100000001 implements MigrationInterface {
  name = 'AccountTables1765100000001';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.account_users (
      name text PRIMARY KEY,
      email text NOT NULL,
      password_hash text,
      admin boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE ${s}.account_tokens (
      key text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{128}$'),
      user_name text NOT NULL REFERENCES ${s}.account_users (name) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('login', 'api', 'bootstrap')),
      display_prefix text NOT NULL,
      readonly boolean NOT NULL DEFAULT false,
      cidr_whitelist text[],
      name text,
      description text,
      packages text[],
      scopes text[],
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz)`);
    await runner.query(`CREATE INDEX account_tokens_by_user ON ${s}.account_tokens (user_name, created_at DESC) WHERE revoked_at IS NULL`);
    await runner.query(`CREATE TABLE ${s}.account_login_sessions (
      id uuid PRIMARY KEY,
      login_hash text NOT NULL UNIQUE,
      done_hash text NOT NULL UNIQUE,
      allow_signup boolean NOT NULL DEFAULT false,
      user_name text REFERENCES ${s}.account_users (name) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      approved_at timestamptz,
      consumed_at timestamptz)`);
    await runner.query(`CREATE INDEX account_login_sessions_by_expiry ON ${s}.account_login_sessions (expires_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`DROP TABLE ${s}.account_login_sessions`);
    await runner.query(`DROP TABLE ${s}.account_tokens`);
    await runner.query(`DROP TABLE ${s}.account_users`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * The signing service's schema. `key_material` is the local key provider's (private keys only
 * ever sealed under the KEK); `registry_keys` is the key ring (public halves, status, expiry; rows
 * are never deleted); `key_changes` numbers every change of the ring; `signatures` holds one
 * signature per version bytes per key.
 */
export class SigningTables1766000000100 implements MigrationInterface {
  name = 'SigningTables1766000000100';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.key_material (
      keyid text PRIMARY KEY,
      public_key bytea NOT NULL,
      sealed_private_key bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE ${s}.registry_keys (
      keyid text PRIMARY KEY,
      public_key text NOT NULL,
      provider text NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
      created_at timestamptz NOT NULL,
      expires timestamptz,
      retired_at timestamptz,
      revoked_at timestamptz)`);
    await runner.query(`CREATE UNIQUE INDEX registry_keys_one_active ON ${s}.registry_keys (status) WHERE status = 'active'`);
    await runner.query(`CREATE TABLE ${s}.key_changes (
      sequence serial PRIMARY KEY,
      kind text NOT NULL,
      keyid text NOT NULL,
      changed_at timestamptz NOT NULL DEFAULT now(),
      actor text)`);
    await runner.query(`CREATE TABLE ${s}.signatures (
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      keyid text NOT NULL,
      sig text NOT NULL,
      published_at timestamptz NOT NULL,
      signed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, version, integrity, keyid))`);
    await runner.query(`CREATE INDEX signatures_by_key ON ${s}.signatures (keyid, published_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    for (const table of ['signatures', 'key_changes', 'registry_keys', 'key_material']) await runner.query(`DROP TABLE ${s}.${table}`);
  }
}

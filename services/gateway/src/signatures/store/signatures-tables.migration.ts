import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * The gateway's copy of what the signing service published: registry signatures per version
 * bytes (joined into packuments at render time, so a signature arriving before its version is
 * kept) and the public registry keys served at `/-/npm/v1/keys`, replaced as a whole set.
 */
export class SignaturesTables1766000000200 implements MigrationInterface {
  name = 'SignaturesTables1766000000200';

  async up(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    await runner.query(`CREATE TABLE ${s}.version_signatures (
      name text NOT NULL,
      version text NOT NULL,
      integrity text NOT NULL,
      keyid text NOT NULL,
      sig text NOT NULL,
      signed_at timestamptz NOT NULL,
      PRIMARY KEY (name, version, integrity, keyid))`);
    await runner.query(`CREATE TABLE ${s}.registry_keys (
      keyid text PRIMARY KEY,
      position integer NOT NULL,
      keytype text NOT NULL,
      scheme text NOT NULL,
      public_key text NOT NULL,
      expires timestamptz,
      revoked boolean NOT NULL)`);
    // The sequence of the key set held; an older set delivered late is ignored.
    await runner.query(`CREATE TABLE ${s}.registry_key_set (
      id smallint PRIMARY KEY CHECK (id = 1),
      sequence integer NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = quotedSchemaOf(runner);
    for (const table of ['registry_key_set', 'registry_keys', 'version_signatures']) await runner.query(`DROP TABLE ${s}.${table}`);
  }
}

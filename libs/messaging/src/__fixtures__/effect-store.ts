import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** A consumer's visible effect in the fault tests: one row per application of an event. */
export class EffectTable1764000000100 implements MigrationInterface {
  name = 'EffectTable1764000000100';
  async up(runner: QueryRunner): Promise<void> {
    // Deliberately no unique key: a second application would show as a second row.
    await runner.query(`CREATE TABLE ${quotedSchemaOf(runner)}.effect (message_id text NOT NULL, attempt int NOT NULL, trace_id text)`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.effect`);
  }
}

/** The producer's state change, written in the same transaction as its outbox row. */
export class StateTable1764000000101 implements MigrationInterface {
  name = 'StateTable1764000000101';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE ${quotedSchemaOf(runner)}.version_state (name text PRIMARY KEY)`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${quotedSchemaOf(runner)}.version_state`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';

/** Packuments read a package's dismissals and refusals with its versions (upstream versions listed before they are judged). */
export class ViewDismissalsByName1771000000200 implements MigrationInterface {
  name = 'ViewDismissalsByName1771000000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX view_dismissals_by_name ON ${quotedSchemaOf(runner)}.view_dismissals (name, version)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX ${quotedSchemaOf(runner)}.view_dismissals_by_name`);
  }
}

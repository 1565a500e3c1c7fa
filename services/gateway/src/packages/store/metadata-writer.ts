import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { DATA_SOURCE } from '@palisade/platform';
import { quotedSchemaOf } from '@palisade/persistence';
import type { Maintainer } from '../domain/package-record';
import { ReadModelWriter } from './read-model-writer';

export interface MetadataUpdate {
  deprecations?: ReadonlyMap<string, string | null>;
  maintainers?: readonly Maintainer[];
  tagSets?: Readonly<Record<string, string>>;
  tagDeletes?: readonly string[];
}

/** Gateway-owned package metadata, changed by the registry's write routes in one transaction. */
@Injectable()
export class MetadataWriter {
  private readonly s: string;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly readModel: ReadModelWriter,
  ) {
    this.s = quotedSchemaOf(dataSource);
  }

  /** Applies the update; false when the package does not exist. */
  async update(name: string, update: MetadataUpdate): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      // Lock the package row: concurrent owner changes must not both remove "the other" maintainer.
      const locked: unknown[] = await tx.query(`SELECT name FROM ${this.s}.packages WHERE name = $1 FOR UPDATE`, [name]);
      if (locked.length === 0) return false;
      for (const [version, message] of update.deprecations ?? []) {
        await tx.query(`UPDATE ${this.s}.package_versions SET deprecated = $3 WHERE name = $1 AND version = $2`, [name, version, message]);
      }
      if (update.maintainers) await this.replaceMaintainers(tx, name, update.maintainers);
      for (const [tag, version] of Object.entries(update.tagSets ?? {})) {
        await tx.query(`INSERT INTO ${this.s}.dist_tags (name, tag, version) VALUES ($1, $2, $3) ON CONFLICT (name, tag) DO UPDATE SET version = EXCLUDED.version`, [
          name,
          tag,
          version,
        ]);
      }
      if (update.tagDeletes?.length) await tx.query(`DELETE FROM ${this.s}.dist_tags WHERE name = $1 AND tag = ANY($2)`, [name, [...update.tagDeletes]]);
      await this.readModel.touch(tx, name);
      return true;
    });
  }

  private async replaceMaintainers(tx: EntityManager, name: string, maintainers: readonly Maintainer[]): Promise<void> {
    await tx.query(`DELETE FROM ${this.s}.package_maintainers WHERE name = $1 AND NOT (username = ANY($2))`, [name, maintainers.map((m) => m.name)]);
    for (const m of maintainers) {
      await tx.query(
        `INSERT INTO ${this.s}.package_maintainers (name, username, email) VALUES ($1, $2, $3)
         ON CONFLICT (name, username) DO UPDATE SET email = coalesce(EXCLUDED.email, ${this.s}.package_maintainers.email)`,
        [name, m.name, m.email ?? null],
      );
    }
  }

  /**
   * The first accepted publish makes its publisher the maintainer (the version.ingested event may
   * have done so already, without an email: then the email is filled in).
   */
  async addFirstMaintainer(name: string, maintainer: Maintainer): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.s}.package_maintainers (name, username, email)
       SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM ${this.s}.package_maintainers WHERE name = $1)
       ON CONFLICT (name, username) DO NOTHING`,
      [name, maintainer.name, maintainer.email ?? null],
    );
    if (maintainer.email === undefined) return;
    const filled: unknown[] = await this.dataSource.query(
      `UPDATE ${this.s}.package_maintainers SET email = $3 WHERE name = $1 AND username = $2 AND email IS NULL RETURNING username`,
      [name, maintainer.name, maintainer.email],
    );
    if (filled.length > 0) await this.dataSource.transaction((tx) => this.readModel.touch(tx, name));
  }
}

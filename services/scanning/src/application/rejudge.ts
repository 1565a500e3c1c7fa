import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { VersionSource } from '@palisade/contracts';
import { addAllToOutbox, type OutboxEvent } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { advisoriesForNames, advisoryDb } from '../store/advisory-store';
import { likelihoodByCve } from '../store/likelihood-store';
import { saveVerdicts, verdictsOfNames, type VerdictRow } from '../store/verdict-store';
import { cvesOf, nextVerdict, scanEvents } from './next-verdict';

export interface RejudgeReport {
  versions: number;
  changed: number;
}

const NAMES_PER_TRANSACTION = 200;

/**
 * Re-judges every stored version of the given names against the current advisories and
 * likelihood data; stores and emits (`version.scanned`, rescan) only what changed.
 */
@Injectable()
export class Rejudge {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async names(names: Iterable<string>): Promise<RejudgeReport> {
    const all = [...new Set(names)].sort();
    const report: RejudgeReport = { versions: 0, changed: 0 };
    for (let i = 0; i < all.length; i += NAMES_PER_TRANSACTION) {
      const chunk = all.slice(i, i + NAMES_PER_TRANSACTION);
      await this.dataSource.transaction(async (tx) => {
        const rows = await verdictsOfNames(tx, chunk, true);
        if (rows.length === 0) return;
        const advisories = await advisoriesForNames(tx, chunk);
        const likelihood = await likelihoodByCve(tx, cvesOf([...advisories.values()].flat()));
        const db = await advisoryDb(tx);
        report.versions += rows.length;
        const changed: VerdictRow[] = [];
        const events: OutboxEvent[] = [];
        for (const row of rows) {
          const next = nextVerdict({
            identity: { name: row.name, version: row.version, integrity: row.integrity, source: row.source, manifest: row.manifest },
            previous: row,
            advisories: advisories.get(row.name) ?? [],
            likelihoodByCve: likelihood,
            dbVersion: db.version,
            published: row.source === VersionSource.PUBLISHED,
          });
          if (!next.changed) continue;
          changed.push(next.row);
          events.push(...scanEvents(next, row, true));
        }
        report.changed += changed.length;
        await saveVerdicts(tx, changed);
        await addAllToOutbox(tx, events);
      });
    }
    return report;
  }
}

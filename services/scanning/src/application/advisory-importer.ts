import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { PalisadeError } from '@palisade/errors';
import { addToOutbox } from '@palisade/messaging';
import { modifiedAt, npmPackageNames, parseOsvRecord, type OsvRecord } from '@palisade/osv';
import { DATA_SOURCE, LOGGER } from '@palisade/platform';
import { epssRows, kevCatalogue } from '../adapters/likelihood-feeds';
import { osvDocuments } from '../adapters/osv-documents';
import { advisoryDb, bumpAdvisoryDb, saveAdvisory, storedModified } from '../store/advisory-store';
import { replaceKev, saveEpss } from '../store/likelihood-store';
import { namesWithAdvisories } from '../store/verdict-store';
import { advisoryImportedEvent } from './advisory-messages';
import { Rejudge, type RejudgeReport } from './rejudge';

export interface OsvImportReport {
  kind: 'osv';
  source: string;
  records: number;
  invalid: number;
  /** Records naming no npm package. */
  skipped: number;
  unchanged: number;
  imported: number;
  withdrawn: number;
  dbVersion: string;
  rejudged: RejudgeReport;
  durationMs: number;
}

export interface LikelihoodImportReport {
  kind: 'epss' | 'kev';
  source: string;
  rows: number;
  rejudged: RejudgeReport;
  durationMs: number;
}

export type ImportReport = OsvImportReport | LikelihoodImportReport;

const BATCH = 500;
// One lock for every import, across replicas: pg_try_advisory_lock(key) with a fixed key.
const IMPORT_LOCK_KEY = 0x5ca1ab1e;

/**
 * Imports advisory data. Incremental: a record is written only when new or when its `modified` is
 * newer than the stored copy; withdrawn records are kept (for audit) but stop matching. Every
 * change bumps the database version once per import, emits `advisory.imported`, and re-judges
 * every stored version of the names it touches.
 */
@Injectable()
export class AdvisoryImporter {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly rejudge: Rejudge,
  ) {}

  /** Runs `work` while holding the import lock; `undefined` when another replica holds it. */
  async exclusively<T>(work: () => Promise<T>): Promise<T | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [IMPORT_LOCK_KEY])) as Array<{ locked: boolean }>;
      if (!locked) return undefined;
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [IMPORT_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Like the import methods, but refuses with `SCANNING_IMPORT_BUSY` while another import runs. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const result = await this.exclusively(work);
    if (result === undefined) throw new PalisadeError('SCANNING_IMPORT_BUSY', 'another advisory import is running');
    return result;
  }

  async importOsv(source: string, label = 'osv'): Promise<OsvImportReport> {
    const started = Date.now();
    const report: OsvImportReport = { kind: 'osv', source, records: 0, invalid: 0, skipped: 0, unchanged: 0, imported: 0, withdrawn: 0, dbVersion: '', rejudged: { versions: 0, changed: 0 }, durationMs: 0 };
    const touched = new Set<string>();
    let dbVersion: string | undefined;
    let batch: OsvRecord[] = [];
    const flush = async () => {
      const records = batch;
      batch = [];
      if (records.length === 0) return;
      const stored = await storedModified(this.dataSource, records.map((r) => r.id));
      // Within one feed the same id may appear twice: the newest copy wins there too.
      const newest = new Map<string, OsvRecord>();
      for (const r of records) if (!newest.has(r.id) || modifiedAt(r) > modifiedAt(newest.get(r.id) as OsvRecord)) newest.set(r.id, r);
      const changed = [...newest.values()].filter((r) => !stored.has(r.id) || modifiedAt(r) > (stored.get(r.id) as number));
      report.unchanged += records.length - changed.length;
      if (changed.length === 0) return;
      await this.dataSource.transaction(async (tx) => {
        dbVersion ??= (await bumpAdvisoryDb(tx)).version;
        for (const record of changed) {
          await saveAdvisory(tx, record, label);
          await addToOutbox(tx, advisoryImportedEvent(record, label, dbVersion));
          for (const name of npmPackageNames(record)) touched.add(name);
          if (record.withdrawn) report.withdrawn += 1;
        }
      });
      report.imported += changed.length;
    };
    for await (const document of osvDocuments(source)) {
      report.records += 1;
      let record: OsvRecord;
      try {
        record = parseOsvRecord(document.value);
      } catch (error: unknown) {
        report.invalid += 1;
        this.logger.warn({ origin: document.origin, err: error }, 'skipping an invalid OSV record');
        continue;
      }
      if (npmPackageNames(record).length === 0) {
        report.skipped += 1;
        continue;
      }
      batch.push(record);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    report.rejudged = await this.rejudge.names(touched);
    report.dbVersion = dbVersion ?? (await advisoryDb(this.dataSource)).version;
    report.durationMs = Date.now() - started;
    this.logger.info({ report }, 'OSV import finished');
    return report;
  }

  async importEpss(source: string): Promise<LikelihoodImportReport> {
    const started = Date.now();
    let rows = 0;
    for await (const batch of epssRows(source)) {
      await saveEpss(this.dataSource, batch.rows, batch.scoredOn);
      rows += batch.rows.length;
    }
    return this.afterLikelihood('epss', source, rows, started);
  }

  async importKev(source: string): Promise<LikelihoodImportReport> {
    const started = Date.now();
    const catalogue = await kevCatalogue(source);
    await this.dataSource.transaction((tx) => replaceKev(tx, catalogue.rows, catalogue.catalogVersion));
    return this.afterLikelihood('kev', source, catalogue.rows.length, started);
  }

  /** Likelihood changes risk, so every version with a matched advisory is re-judged. */
  private async afterLikelihood(kind: 'epss' | 'kev', source: string, rows: number, started: number): Promise<LikelihoodImportReport> {
    const rejudged = await this.rejudge.names(await namesWithAdvisories(this.dataSource));
    const report = { kind, source, rows, rejudged, durationMs: Date.now() - started };
    this.logger.info({ report }, `${kind.toUpperCase()} import finished`);
    return report;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import { DATA_SOURCE } from '@palisade/platform';

export interface StoredAttestationRow {
  predicateType: string;
  /** The envelope's JSON as signed and logged. */
  envelopeJson: string;
  /** The inclusion receipt's JSON. */
  logEntryJson: string;
}

/** Reads of stored attestations, oldest first. */
@Injectable()
export class AttestationStore {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async ofVersion(name: string, version: string): Promise<StoredAttestationRow[]> {
    const s = quotedSchemaOf(this.dataSource);
    const rows: Array<{ predicate_type: string; envelope: string; log_entry: string }> = await this.dataSource.query(
      `SELECT predicate_type, envelope, log_entry FROM ${s}.attestations WHERE name = $1 AND version = $2 ORDER BY log_index`,
      [name, version],
    );
    return rows.map((r) => ({ predicateType: r.predicate_type, envelopeJson: r.envelope, logEntryJson: r.log_entry }));
  }
}

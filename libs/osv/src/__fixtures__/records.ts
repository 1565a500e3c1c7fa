import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOsvRecord, type OsvRecord } from '../osv-record';

/** A fixture record by file name (without `.json`); see `__fixtures__/NOTICE.md` for sources. */
export function fixtureRecord(id: string): OsvRecord {
  return parseOsvRecord(readFileSync(join(__dirname, 'osv', `${id}.json`), 'utf8'));
}

export const FIXTURE_DIR = join(__dirname, 'osv');

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { PermanentError } from '@palisade/errors';
import type { EpssRow } from '../store/likelihood-store';
import { isGzip, localCopy, magicBytes } from './data-source';

/**
 * EPSS scores from FIRST's daily file (`epss_scores-YYYY-MM-DD.csv[.gz]`): `#model_version…,
 * score_date:…` comment, a `cve,epss,percentile` header, then rows. Batches of `batchSize`.
 */
export async function* epssRows(source: string, batchSize = 5000): AsyncGenerator<{ rows: EpssRow[]; scoredOn: string }> {
  const copy = await localCopy(source);
  try {
    const gz = isGzip(await magicBytes(copy.path, 2));
    const input = gz ? createReadStream(copy.path).pipe(createGunzip()) : createReadStream(copy.path);
    let scoredOn = '';
    let batch: EpssRow[] = [];
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.startsWith('#')) {
        scoredOn = /score_date:([^,\s]+)/.exec(line)?.[1] ?? scoredOn;
        continue;
      }
      const [cve, epss, percentile] = line.split(',');
      if (!cve?.startsWith('CVE-')) continue;
      const score = Number(epss);
      if (!Number.isFinite(score)) continue;
      batch.push({ cve, score, percentile: Number(percentile) || 0 });
      if (batch.length >= batchSize) {
        yield { rows: batch, scoredOn };
        batch = [];
      }
    }
    if (batch.length > 0) yield { rows: batch, scoredOn };
  } finally {
    await copy.release();
  }
}

/** CISA KEV catalogue (`known_exploited_vulnerabilities.json`): its CVE ids and catalogue version. */
export async function kevCatalogue(source: string): Promise<{ catalogVersion: string; rows: Array<{ cve: string; dateAdded: string }> }> {
  const copy = await localCopy(source);
  try {
    const value = JSON.parse(await readFile(copy.path, 'utf8')) as { catalogVersion?: string; vulnerabilities?: Array<{ cveID?: string; dateAdded?: string }> };
    if (!Array.isArray(value.vulnerabilities)) throw new PermanentError('SCANNING_KEV_INVALID', `${source}: no vulnerabilities[] array`);
    const rows = value.vulnerabilities.filter((v) => typeof v.cveID === 'string' && v.cveID.startsWith('CVE-')).map((v) => ({ cve: v.cveID as string, dateAdded: v.dateAdded ?? '' }));
    return { catalogVersion: value.catalogVersion ?? '', rows };
  } finally {
    await copy.release();
  }
}

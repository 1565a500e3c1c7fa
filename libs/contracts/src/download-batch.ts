import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { PermanentError } from '@palisade/errors';
import { ContractErrorCode } from './errors';
import type { DownloadBatch, DownloadBatchSchema } from './gen/palisade/v1/download_events_pb';

/** One entry of a `download.recorded` batch: downloads of one tarball by one downloader with one user agent. */
export interface DownloadEntry {
  name: string;
  version: string;
  integrity: string;
  view: string;
  principal: string;
  tokenId: string;
  userAgent: string;
  /** Milliseconds since the Unix epoch of the first and the last download the entry stands for. */
  firstAt: number;
  lastAt: number;
  /** How many downloads it stands for (at least 1). */
  count: number;
}

const STRING_COLUMNS = ['name', 'version', 'integrity', 'view', 'principal', 'tokenId', 'userAgent'] as const;

/** A batch in the compact form (`columns`): every string once, each entry a row of indexes and numbers. */
export function downloadBatchOf(entries: readonly DownloadEntry[]): MessageInitShape<typeof DownloadBatchSchema> {
  const symbols: string[] = [];
  const indexes = new Map<string, number>();
  const symbol = (value: string): number => {
    let index = indexes.get(value);
    if (index === undefined) {
      index = symbols.push(value) - 1;
      indexes.set(value, index);
    }
    return index;
  };
  const epoch = entries.reduce((min, e) => Math.min(min, e.firstAt), entries[0]?.firstAt ?? 0);
  const columns = { name: [] as number[], version: [] as number[], integrity: [] as number[], view: [] as number[], principal: [] as number[], tokenId: [] as number[], userAgent: [] as number[] };
  const firstMs: number[] = [];
  const lastMs: number[] = [];
  const count: number[] = [];
  for (const entry of entries) {
    for (const column of STRING_COLUMNS) columns[column].push(symbol(entry[column]));
    firstMs.push(entry.firstAt - epoch);
    lastMs.push(Math.max(entry.lastAt, entry.firstAt) - epoch);
    count.push(Math.max(1, entry.count));
  }
  return { columns: { symbols, ...columns, epoch: timestampFromMs(epoch), firstMs, lastMs, count } };
}

/**
 * The entries of a batch in either form (`downloads`, one message per entry, as gateways before
 * the compact form sent; or `columns`); an entry of the first form without a time is dated
 * `receivedAt`. A column shorter than the others or an index past the symbols is a batch no retry
 * can mend: `CONTRACT_DECODE_FAILED`.
 */
export function downloadEntriesOf(batch: DownloadBatch, receivedAt: number): DownloadEntry[] {
  const entries = batch.downloads.map((d): DownloadEntry => {
    const firstAt = d.downloadedAt ? timestampMs(d.downloadedAt) : receivedAt;
    return {
      name: d.name,
      version: d.version,
      integrity: d.integrity,
      view: d.view,
      principal: d.downloader?.principal ?? '',
      tokenId: d.downloader?.tokenId ?? '',
      userAgent: d.userAgent,
      firstAt,
      lastAt: d.lastDownloadedAt ? timestampMs(d.lastDownloadedAt) : firstAt,
      count: Math.max(1, d.count),
    };
  });
  const columns = batch.columns;
  if (!columns) return entries;
  const rows = columns.name.length;
  for (const column of [...STRING_COLUMNS, 'firstMs', 'lastMs', 'count'] as const) {
    if (columns[column].length !== rows) throw malformed(`column ${column} has ${columns[column].length} values for ${rows} entries`);
  }
  const symbolAt = (index: number): string => {
    const value = columns.symbols[index];
    if (value === undefined) throw malformed(`symbol ${index} is past the ${columns.symbols.length} symbols`);
    return value;
  };
  const epoch = columns.epoch ? timestampMs(columns.epoch) : receivedAt;
  for (let i = 0; i < rows; i += 1) {
    entries.push({
      name: symbolAt(columns.name[i]),
      version: symbolAt(columns.version[i]),
      integrity: symbolAt(columns.integrity[i]),
      view: symbolAt(columns.view[i]),
      principal: symbolAt(columns.principal[i]),
      tokenId: symbolAt(columns.tokenId[i]),
      userAgent: symbolAt(columns.userAgent[i]),
      firstAt: epoch + columns.firstMs[i],
      lastAt: epoch + columns.lastMs[i],
      count: Math.max(1, columns.count[i]),
    });
  }
  return entries;
}

const malformed = (problem: string) => new PermanentError(ContractErrorCode.DECODE_FAILED, `malformed palisade.v1.DownloadBatch: ${problem}`);

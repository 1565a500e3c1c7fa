import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { PermanentError } from '@palisade/errors';
import { decodeMessage, encodeMessage } from './codec';
import { Events } from './definitions';
import { downloadBatchOf, downloadEntriesOf, type DownloadEntry } from './download-batch';
import { ContractErrorCode } from './errors';

const { schema } = Events.downloadRecorded;
const T = Date.parse('2026-12-08T10:00:00Z');
const entry = (i: number, over: Partial<DownloadEntry> = {}): DownloadEntry => ({
  name: '@acme/lib',
  version: `1.0.${i}`,
  integrity: 'sha512-abc',
  view: 'prod',
  principal: 'ci',
  tokenId: 'k1',
  userAgent: 'npm/11.6.0 node/v20.19.0',
  firstAt: T + i,
  lastAt: T + i,
  count: 1,
  ...over,
});

const roundTrip = (entries: DownloadEntry[]) => downloadEntriesOf(decodeMessage(schema, encodeMessage(schema, downloadBatchOf(entries))), 0);

describe('download batches in columns', () => {
  it('gives back every entry as it went in, strings and times included', () => {
    const entries = [entry(0), entry(1, { principal: 'anonymous', tokenId: '', userAgent: '', count: 40, lastAt: T + 60_000 }), entry(2, { view: 'dev', firstAt: T - 5_000, lastAt: T - 5_000 })];
    expect(roundTrip(entries)).toEqual(entries);
  });

  it('writes each distinct string once', () => {
    const batch = downloadBatchOf(Array.from({ length: 100 }, (_, i) => entry(i % 3)));
    expect(batch.columns?.symbols).toEqual(['@acme/lib', '1.0.0', 'sha512-abc', 'prod', 'ci', 'k1', 'npm/11.6.0 node/v20.19.0', '1.0.1', '1.0.2']);
    expect(batch.columns?.name).toHaveLength(100);
  });

  it('encodes an empty batch as no entries', () => {
    expect(roundTrip([])).toEqual([]);
  });

  it('still reads batches of one message per entry, dating an entry without a time when it arrived', () => {
    const old = encodeMessage(schema, {
      downloads: [
        { name: 'a', version: '1.0.0', integrity: 'sha512-x', view: 'prod', downloader: { principal: 'ci', tokenId: 'k1' }, userAgent: 'npm/10', downloadedAt: timestampFromMs(T), count: 3, lastDownloadedAt: timestampFromMs(T + 9) },
        { name: 'a', version: '1.0.1', integrity: 'sha512-y', view: 'dev', userAgent: 'npm/10' },
      ],
    });
    expect(downloadEntriesOf(decodeMessage(schema, old), T + 100)).toEqual([
      { name: 'a', version: '1.0.0', integrity: 'sha512-x', view: 'prod', principal: 'ci', tokenId: 'k1', userAgent: 'npm/10', firstAt: T, lastAt: T + 9, count: 3 },
      { name: 'a', version: '1.0.1', integrity: 'sha512-y', view: 'dev', principal: '', tokenId: '', userAgent: 'npm/10', firstAt: T + 100, lastAt: T + 100, count: 1 },
    ]);
  });

  it.each([
    ['a column shorter than the others', (c: { userAgent: number[] }) => c.userAgent.pop(), /column userAgent has 1 values for 2 entries/],
    ['an index past the symbols', (c: { version: number[] }) => (c.version[1] = 99), /symbol 99 is past the 8 symbols/],
  ])('refuses a batch with %s as permanently malformed', (_, damage, message) => {
    const batch = decodeMessage(schema, encodeMessage(schema, downloadBatchOf([entry(0), entry(1)])));
    damage(batch.columns as never);
    const error = (() => {
      try {
        downloadEntriesOf(batch, 0);
      } catch (e: unknown) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: ContractErrorCode.DECODE_FAILED, message: expect.stringMatching(message) });
  });
});

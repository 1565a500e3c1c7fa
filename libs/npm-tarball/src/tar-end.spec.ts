import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { manifestJson, rawTar } from './__fixtures__/raw-tar';
import { TarEndTracker } from './tar-end';
import { TarballErrorCode, inspectTarball, type TarballLimits } from './index';

const MiB = 1024 * 1024;
const limits: TarballLimits = { maxEntries: 100, maxUnpackedBytes: 64 * MiB, maxPackageJsonBytes: 64 * 1024 };
const archive = () => rawTar([{ path: 'package/package.json', body: manifestJson() }, { path: 'package/index.js', body: 'x'.repeat(700) }]);
/** Feeds the source in small chunks, as gunzip does. */
const inspect = (tgz: Buffer, deadline?: number) => inspectTarball(Readable.from([tgz]), limits, deadline === undefined ? {} : { deadline });

describe('TarEndTracker', () => {
  it('passes the archive through up to its end blocks, byte by byte too', () => {
    const tar = archive();
    const tracker = new TarEndTracker();
    const out: Buffer[] = [];
    for (let i = 0; i < tar.length; i += 1) out.push(tracker.take(tar.subarray(i, i + 1)));
    expect(tracker.ended).toBe(true);
    expect(Buffer.concat(out).equals(tar)).toBe(true);
  });

  it('drops zero padding after the end and refuses anything else', () => {
    const tracker = new TarEndTracker();
    expect(tracker.take(Buffer.concat([archive(), Buffer.alloc(9216)])).length).toBe(archive().length);
    expect(() => tracker.take(Buffer.from('junk'))).toThrow(expect.objectContaining({ code: TarballErrorCode.TrailingData }));
  });
});

describe('inspectTarball with data after the end of the archive', () => {
  it('refuses non-zero trailing data with TARBALL_TRAILING_DATA, in linear time', async () => {
    // The shape that kept ingest busy for minutes: a small archive, then megabytes of data.
    const tgz = gzipSync(Buffer.concat([archive(), Buffer.alloc(40 * MiB, 0x41)]));
    expect(tgz.length).toBeLessThan(MiB);
    const started = Date.now();
    await expect(inspect(tgz)).rejects.toMatchObject({ code: TarballErrorCode.TrailingData });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('accepts zero padding after the end without feeding it to the parser', async () => {
    const started = Date.now();
    const inspection = await inspect(gzipSync(Buffer.concat([archive(), Buffer.alloc(40 * MiB)])));
    expect(inspection.files).toEqual(['index.js', 'package.json']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops with TARBALL_TOO_SLOW past its deadline', async () => {
    await expect(inspect(gzipSync(archive()), Date.now() - 1)).rejects.toMatchObject({ code: TarballErrorCode.TooSlow });
  });
});

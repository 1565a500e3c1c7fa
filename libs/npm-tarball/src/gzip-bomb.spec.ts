import { createGzip } from 'node:zlib';
import { Header } from 'tar';
import { manifestJson, rawTar } from './__fixtures__/raw-tar';
import { TarballErrorCode, inspectTarball, isTarballError } from './index';

const MiB = 1024 * 1024;
const BOMB_BYTES = 200 * MiB;

/** package.json plus 200 MiB of zeros, gzipped while streaming (never held whole): about 200 KiB. */
async function buildBomb(): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const write = (chunk: Buffer) => new Promise<void>((resolve) => (gzip.write(chunk) ? resolve() : gzip.once('drain', () => resolve())));
  await write(rawTar([{ path: 'package/package.json', body: manifestJson() }]).subarray(0, -1024));
  const header = Buffer.alloc(512);
  new Header({ path: 'package/zeros.bin', type: 'File', size: BOMB_BYTES, mode: 0o644, mtime: new Date(0) }).encode(header, 0);
  await write(header);
  const zeros = Buffer.alloc(MiB);
  for (let written = 0; written < BOMB_BYTES; written += MiB) await write(zeros);
  gzip.end(Buffer.alloc(1024));
  await done;
  return Buffer.concat(out);
}

describe('inspectTarball against a gzip bomb', () => {
  let bomb: Buffer;

  beforeAll(async () => {
    bomb = await buildBomb();
  });

  it('is a real bomb: a few hundred KiB that inflate to 200 MiB', () => {
    expect(bomb.length).toBeLessThan(MiB);
  });

  it('stops at the unpacked limit, long before inflating it whole, and reads only part of the source', async () => {
    let consumed = 0;
    async function* source() {
      for (let offset = 0; offset < bomb.length; offset += 16 * 1024) {
        const chunk = bomb.subarray(offset, offset + 16 * 1024);
        consumed += chunk.length;
        yield chunk;
      }
    }
    const started = Date.now();
    const rssBefore = process.memoryUsage().rss;
    let code: string | undefined;
    try {
      await inspectTarball(source(), { maxEntries: 100, maxUnpackedBytes: 50 * MiB, maxPackageJsonBytes: MiB });
    } catch (e: unknown) {
      if (isTarballError(e)) code = e.code;
      else throw e;
    }
    expect(code).toBe(TarballErrorCode.TooLargeUnpacked);
    // 50 of 200 MiB inflated: about a quarter of the compressed bytes, plus stream buffers
    expect(consumed).toBeLessThan(bomb.length * 0.6);
    expect(Date.now() - started).toBeLessThan(5_000);
    // streamed, not held: growth stays well below the 200 MiB a whole inflate would need
    // (the bound is loose because inflated chunks are garbage the GC has not collected yet)
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * MiB);
  });
});

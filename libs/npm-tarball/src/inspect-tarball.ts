import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { TarEndTracker } from './tar-end';
import { TarballError, TarballErrorCode, isTarballError } from './tarball-error';
import type { TarballInspection, TarballLimits } from './tarball-inspection';
import { TarballWalker } from './tarball-walker';

// gzip magic plus "deflate", the only method gzip defines.
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

export interface InspectOptions {
  /** Epoch ms after which inspection stops with `TARBALL_TOO_SLOW`. */
  readonly deadline?: number;
}

/**
 * Streams a `.tgz` once, without extracting anything, and either refuses it with a
 * `TarballError` or describes it. Inflated bytes are counted as they come out of gunzip and the
 * stream is torn down the moment they pass `maxUnpackedBytes`, so a gzip bomb costs one limit's
 * worth of CPU and no memory. Errors of the source itself (a failing blob read) are rethrown as
 * they are: they say nothing about the tarball.
 */
export async function inspectTarball(source: Readable | AsyncIterable<Uint8Array>, limits: TarballLimits, options: InspectOptions = {}): Promise<TarballInspection> {
  assertLimits(limits);
  const end = new TarEndTracker();
  const deadline = options.deadline;
  const walker = new TarballWalker(limits);
  // We inflate ourselves (to count); zstd and brotli sniffing stay off so the parser never inflates a second layer.
  const parser = new Parser({ strict: true, zstd: false, brotli: false });
  parser.on('entry', (entry: ReadEntry) => walker.onEntry(entry));
  parser.on('ignoredEntry', (entry: ReadEntry) => walker.onIgnored(entry));
  parser.on('error', (error: unknown) => walker.fail(damaged('tar archive', error)));

  let inflated = 0;
  let head: Buffer | null = Buffer.alloc(0);
  const feed = (chunk: Buffer) => {
    if (deadline !== undefined && Date.now() > deadline) {
      throw new TarballError(TarballErrorCode.TooSlow, 'inspecting the tarball took longer than its time budget');
    }
    const archive = end.take(chunk);
    if (archive.length > 0) parser.write(archive);
    walker.throwIfFailed();
  };
  try {
    await pipeline(source, requireGzip, createGunzip(), async (tar: AsyncIterable<Buffer>) => {
      for await (const chunk of tar) {
        inflated += chunk.length;
        if (inflated > limits.maxUnpackedBytes) {
          throw new TarballError(TarballErrorCode.TooLargeUnpacked, `the tarball unpacks to more than ${limits.maxUnpackedBytes} bytes`);
        }
        if (head === null) {
          feed(chunk);
          continue;
        }
        // Hold back the first bytes until there are enough to tell a nested archive from tar.
        head = Buffer.concat([head, chunk]);
        if (head.length < GZIP_MAGIC.length) continue;
        refuseNestedGzip(head);
        const first = head;
        head = null;
        feed(first);
      }
      if (head !== null && head.length > 0) feed(head);
      parser.end();
      walker.throwIfFailed();
    });
  } catch (e: unknown) {
    throw asTarballError(e);
  }
  return walker.finish();
}

async function* requireGzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let checked = false;
  for await (const chunk of source) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (checked) {
      yield bytes;
      continue;
    }
    head = Buffer.concat([head, bytes]);
    if (head.length < GZIP_MAGIC.length) continue;
    refuseNonGzip(head);
    checked = true;
    yield head;
  }
  if (!checked) refuseNonGzip(head);
}

function refuseNonGzip(head: Buffer): void {
  if (head.length < GZIP_MAGIC.length || !head.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) {
    throw new TarballError(TarballErrorCode.NotGzip, 'the tarball is not gzip-compressed (npm tarballs are .tgz)');
  }
}

function refuseNestedGzip(head: Buffer): void {
  if (head.subarray(0, 2).equals(GZIP_MAGIC.subarray(0, 2))) {
    throw new TarballError(TarballErrorCode.Corrupt, 'the tarball is gzip inside gzip, not a tar archive');
  }
}

function damaged(what: string, error: unknown): TarballError {
  const detail = (error as { message?: unknown } | null)?.message;
  return new TarballError(TarballErrorCode.Corrupt, `the ${what} is damaged: ${typeof detail === 'string' ? detail : String(error)}`, { cause: error });
}

function asTarballError(e: unknown): unknown {
  if (isTarballError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  // zlib failures carry Z_* codes (checked by shape: zlib's errors come from Node's own realm, so
  // `instanceof Error` can be false); anything else came from the source and is the caller's to judge.
  if (typeof code === 'string' && code.startsWith('Z_')) return damaged('gzip stream', e);
  return e;
}

function assertLimits(limits: TarballLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`inspectTarball: ${name} must be a positive whole number (got ${String(value)})`);
  }
}

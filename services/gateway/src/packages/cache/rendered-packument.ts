import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { contentTypeOf, etagFor, type ContentCoding } from '../domain/content-negotiation';
import type { JsonObject, Representation } from '../domain/render-packument';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

const CACHE_CONTROL = 'public, max-age=0, must-revalidate';
const VARY = 'Accept, Accept-Encoding';

/**
 * One packument rendered once: its bytes, its ETag and its response headers, with compressed
 * variants made on first demand and kept. Serving it costs no JSON work and no allocation of headers.
 */
export class RenderedPackument {
  readonly hash: string;
  readonly body: Buffer;
  private readonly encodings = new Map<Exclude<ContentCoding, 'identity'>, Promise<Buffer>>();
  private readonly headerSets = new Map<ContentCoding, Record<string, string>>();

  constructor(
    doc: JsonObject,
    readonly representation: Representation,
  ) {
    this.body = Buffer.from(JSON.stringify(doc));
    this.hash = createHash('sha256').update(this.body).digest('base64url').slice(0, 32);
  }

  /** The body in `coding`; compressed off the event loop, once. */
  encoded(coding: ContentCoding): Promise<Buffer> {
    if (coding === 'identity') return Promise.resolve(this.body);
    let pending = this.encodings.get(coding);
    if (!pending) {
      pending = coding === 'gzip' ? gzipAsync(this.body, { level: 6 }) : brotliAsync(this.body, brotliOptions(this.body.length));
      pending.catch(() => this.encodings.delete(coding));
      this.encodings.set(coding, pending);
    }
    return pending;
  }

  /** Headers of a 200 (and, without the body-specific ones, of a 304) in `coding`. */
  headers(coding: ContentCoding): Record<string, string> {
    let headers = this.headerSets.get(coding);
    if (!headers) {
      headers = {
        'content-type': contentTypeOf(this.representation),
        etag: etagFor(this.hash, coding),
        vary: VARY,
        'cache-control': CACHE_CONTROL,
        ...(coding === 'identity' ? {} : { 'content-encoding': coding }),
      };
      this.headerSets.set(coding, headers);
    }
    return headers;
  }

  notModifiedHeaders(coding: ContentCoding): Record<string, string> {
    return { etag: etagFor(this.hash, coding), vary: VARY, 'cache-control': CACHE_CONTROL };
  }
}

// Quality 5 compresses JSON close to gzip -9 at gzip's speed; higher levels cost seconds on big documents.
function brotliOptions(size: number) {
  return { params: { [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: size } };
}

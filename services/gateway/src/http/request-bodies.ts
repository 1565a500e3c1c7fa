import type { FastifyRequest } from 'fastify';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { bodyLimitOf as recallBodyLimitOf } from '../recalls/body-limits';
import { PACKAGE_NAME } from './package-name';
import { RegistryHttpError } from './registry-errors';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Every JSON route that is not listed below: logins, tokens, dist-tags, searches... */
export const JSON_BODY_LIMIT = 64 * KiB;
/** The manifest, readme and provenance bundle that ride next to the base64 tarball of a publish. */
export const PUBLISH_JSON_ALLOWANCE = MiB;
/** `npm audit` sends the whole dependency tree (gzip-compressed); the limit counts inflated bytes. */
export const AUDIT_BODY_LIMIT = 16 * MiB;
/** A promotion policy document (YAML inside JSON). */
export const POLICY_BODY_LIMIT = MiB;
/** Bodies that may be larger than this are received a few at a time (LargeBodyGate). */
export const LARGE_BODY_BYTES = MiB;

/** Largest publish body: the tarball base64-encoded (4/3 of its size) plus the JSON around it. */
export function publishBodyLimit(maxTarballBytes: number): number {
  return Math.ceil((maxTarballBytes * 4) / 3) + PUBLISH_JSON_ALLOWANCE;
}

export interface BodyPolicy {
  /** Most bytes the body may have, counted after inflating. */
  readonly limit: number;
  /** `Content-Encoding: gzip` is accepted (only where npm sends it: the audit routes). */
  readonly gzip: boolean;
  /**
   * The package (still percent-encoded) a body to this route changes: one over `JSON_BODY_LIMIT`
   * is read only from a caller whose token may write it.
   */
  readonly writesPackage?: string;
}

const PACKAGE_DOCUMENT = new RegExp(`^/${PACKAGE_NAME}(?:/-rev/[^/]+)?$`);
const AUDIT = /^\/-\/npm\/v1\/security\/(?:audits(?:\/quick)?|advisories\/bulk)$/;
const POLICY = /^\/-\/palisade\/v1\/policy$/;

/**
 * The body limit of a request: `rawUrl` as received (view prefix and query included), `path` the
 * part after the view prefix.
 */
export function bodyPolicyOf(method: string, rawUrl: string, path: string, maxTarballBytes: number): BodyPolicy {
  if (AUDIT.test(path)) return { limit: AUDIT_BODY_LIMIT, gzip: true };
  const recall = recallBodyLimitOf(rawUrl);
  if (recall !== undefined) return { limit: recall, gzip: false };
  const document = method === 'PUT' ? PACKAGE_DOCUMENT.exec(path) : null;
  if (document?.groups) return { limit: publishBodyLimit(maxTarballBytes), gzip: false, writesPackage: document.groups.name };
  if (POLICY.test(path)) return { limit: POLICY_BODY_LIMIT, gzip: false };
  return { limit: JSON_BODY_LIMIT, gzip: false };
}

function isGzipEncoded(request: FastifyRequest): boolean {
  const encoding = String(request.headers['content-encoding'] ?? '').trim().toLowerCase();
  return encoding === 'gzip' || encoding === 'x-gzip';
}

/** A body whose size is not known yet (chunked, or gzip) counts as being as large as the route allows. */
function sizeBound(request: FastifyRequest, policy: BodyPolicy): number {
  const declared = request.headers['content-length'];
  if (declared === undefined || isGzipEncoded(request)) return policy.limit;
  return Math.min(Number(declared), policy.limit);
}

/** The body may be over the JSON limit: on a package document, only a caller allowed to write it may send one. */
export function needsWriterFirst(request: FastifyRequest, policy: BodyPolicy): boolean {
  return policy.writesPackage !== undefined && sizeBound(request, policy) > JSON_BODY_LIMIT;
}

/** The body may be large enough to be received only through the LargeBodyGate. */
export function isLargeBody(request: FastifyRequest, policy: BodyPolicy): boolean {
  return sizeBound(request, policy) > LARGE_BODY_BYTES;
}

function tooLarge(limit: number): RegistryHttpError {
  return new RegistryHttpError('PAL_ERR_TOO_LARGE', `this request body may be at most ${limit} bytes`);
}

/** Passes bytes through and fails the stream as soon as more than `limit` went by. */
class CountingLimit extends Transform {
  #seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.limit) {
      done(tooLarge(this.limit));
      return;
    }
    done(null, chunk);
  }
}

/**
 * The `preParsing` step of every registry request: refuses a content encoding the route does not
 * take (415), a declared length over the route's limit (413, before a byte is read), and counts
 * the bytes as they arrive (after inflating, so a gzip bomb stops at the limit). Errors are
 * `RegistryHttpError`s, answered in the registry's JSON shape by the router's error handler.
 */
/** The checks of `limitRequestBody` that need only the headers (415, 413), without touching the body. */
export function assertBodyHeaders(request: FastifyRequest, policy: BodyPolicy): void {
  const declared = request.headers['content-length'];
  const encoding = String(request.headers['content-encoding'] ?? '').trim().toLowerCase();
  const gzipped = encoding === 'gzip' || encoding === 'x-gzip';
  if (encoding !== '' && encoding !== 'identity' && !(gzipped && policy.gzip)) {
    throw new RegistryHttpError('PAL_ERR_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not accepted here${policy.gzip ? ' (gzip only)' : ''}`);
  }
  if (!gzipped && declared !== undefined && Number(declared) > policy.limit) throw tooLarge(policy.limit);
}

export function limitRequestBody(request: FastifyRequest, payload: NodeJS.ReadableStream, policy: BodyPolicy): NodeJS.ReadableStream {
  // No body (most reads): nothing to count, and the hot read path stays free of extra streams.
  const declared = request.headers['content-length'];
  if ((declared === undefined || declared === '0') && request.headers['transfer-encoding'] === undefined) return payload;
  assertBodyHeaders(request, policy);
  const encoding = String(request.headers['content-encoding'] ?? '').trim().toLowerCase();
  const gzipped = encoding === 'gzip' || encoding === 'x-gzip';
  const counter = new CountingLimit(policy.limit);
  const fail = (error: Error) => counter.destroy(error);
  payload.on('error', fail);
  if (!gzipped) return payload.pipe(counter);
  // The parser sees identity bytes; their length is the inflated one.
  delete request.headers['content-encoding'];
  delete request.headers['content-length'];
  const gunzip = createGunzip();
  counter.once('error', () => gunzip.destroy());
  gunzip.on('error', (error) => counter.destroy(new RegistryHttpError('PAL_ERR_BAD_REQUEST', `the gzip request body is damaged: ${error.message}`)));
  return payload.pipe(gunzip).pipe(counter);
}

import type { Representation } from './render-packument';

export type ContentCoding = 'br' | 'gzip' | 'identity';

const CORGI = 'application/vnd.npm.install-v1+json';

/** pacote asks for the abbreviated document by listing the corgi media type first. */
export function representationFor(accept: string | undefined): Representation {
  return accept !== undefined && accept.includes(CORGI) ? 'abbreviated' : 'full';
}

export function contentTypeOf(representation: Representation): string {
  return representation === 'abbreviated' ? `${CORGI}; charset=utf-8` : 'application/json; charset=utf-8';
}

/** The compression to answer with, from `Accept-Encoding` (q=0 excludes; ties prefer br, then gzip). */
export function pickContentCoding(acceptEncoding: string | string[] | undefined): ContentCoding {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  if (!header) return 'identity';
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find((m) => m !== null);
    weights.set(token, q ? Number(q[1]) : 1);
  }
  const weight = (coding: string) => weights.get(coding) ?? (weights.has('*') ? (weights.get('*') as number) : 0);
  const br = weight('br');
  const gzip = weight('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}

/** Strong ETag of one encoding of a representation (encodings must not share a strong ETag). */
export function etagFor(hash: string, coding: ContentCoding): string {
  return coding === 'identity' ? `"${hash}"` : `"${hash}-${coding}"`;
}

/** True when `If-None-Match` names any encoding of the representation with this hash (or `*`). */
export function matchesIfNoneMatch(ifNoneMatch: string | string[] | undefined, hash: string): boolean {
  const header = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch;
  if (!header) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '');
    return tag === '*' || tag === `"${hash}"` || tag === `"${hash}-gzip"` || tag === `"${hash}-br"`;
  });
}

import { createHash, getHashes } from 'node:crypto';
import * as ssri from 'ssri';

/** Hex digests of one tarball, by algorithm, and its size. sha512 and sha1 are always there. */
export interface TarballDigests {
  readonly size: number;
  readonly hex: ReadonlyMap<string, string>;
  /** `sha512-<base64>`: the version's `dist.integrity`. */
  readonly integrity: string;
  /** sha1 hex: the version's legacy `dist.shasum`. */
  readonly shasum: string;
}

/** Hashes a stream once with sha512, sha1 and any `extra` algorithm Node supports. */
export async function digestStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, extra: readonly string[] = []): Promise<TarballDigests> {
  const supported = new Set(getHashes());
  const algorithms = [...new Set(['sha512', 'sha1', ...extra.filter((a) => supported.has(a))])];
  const hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    for (const [, hash] of hashes) hash.update(chunk);
  }
  const hex = new Map(hashes.map(([algorithm, hash]) => [algorithm, hash.digest('hex')]));
  const sha512 = hex.get('sha512') as string;
  return { size, hex, integrity: ssri.fromHex(sha512, 'sha512').toString(), shasum: hex.get('sha1') as string };
}

/** The algorithm an SRI string would be checked with (its strongest, as ssri picks), if it parses. */
export function sriAlgorithm(sri: unknown): string | undefined {
  if (typeof sri !== 'string') return undefined;
  return parseSri(sri)?.pickAlgorithm();
}

/**
 * Why `sri` (what someone claims the bytes hash to) does not match them; empty when it does.
 * Like ssri, the strongest algorithm listed decides. `label` names the claim in messages.
 */
export function integrityProblems(label: string, sri: unknown, digests: TarballDigests): string[] {
  if (typeof sri !== 'string') return [`${label} is not a string`];
  const parsed = parseSri(sri);
  if (!parsed) return [`${label} "${sri}" holds no usable hash`];
  const algorithm = parsed.pickAlgorithm();
  const actual = digests.hex.get(algorithm);
  if (actual === undefined) return [`${label} uses ${algorithm}, which cannot be checked here`];
  const claimed = ((parsed[algorithm] ?? []) as ssri.Hash[]).map((hash) => hash.hexDigest());
  if (claimed.includes(actual)) return [];
  return [`${label} is "${sri}", but the tarball's bytes hash to "${ssri.fromHex(actual, algorithm).toString()}"`];
}

// Lenient, as npm is: old clients may only send a sha1 SRI, which is still worth checking.
// ssri 13 returns null for input without a valid hash; @types/ssri (written for v7) does not say so.
function parseSri(sri: string): ssri.IntegrityMap | null {
  return ssri.parse(sri, { strict: false }) as ssri.IntegrityMap | null;
}

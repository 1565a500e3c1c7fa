import { getHashes } from 'node:crypto';
import * as ssri from 'ssri';
import { StorageError, StorageErrorCode } from './storage-error';

const KEY_PATTERN = /^sha512\/([0-9a-f]{128})$/;
const SHA512_HEX_LENGTH = 128;

/** `sha512-<base64>` (one sha512 digest, other algorithms ignored) → `sha512/<hex>`. */
export function integrityToKey(integrity: string): string {
  // strict: only SRI-spec algorithms with well-formed base64, so a typo cannot address another blob
  const parsed = parseSri(integrity, true);
  // entries are ssri `Hash` instances; the index signature in @types/ssri only promises HashLike
  const hashes = (parsed?.sha512 ?? []) as ssri.Hash[];
  const digests = new Set(hashes.map((hash) => hash.hexDigest()));
  if (digests.size !== 1) {
    throw invalid(`expected exactly one sha512 digest in integrity "${integrity}"`);
  }
  const [hex] = digests;
  if (hex.length !== SHA512_HEX_LENGTH) throw invalid(`sha512 digest of wrong length in "${integrity}"`);
  return `sha512/${hex}`;
}

/** `sha512/<hex>` → `sha512-<base64>`. */
export function keyToIntegrity(key: string): string {
  return ssri.fromHex(keyToHex(key), 'sha512').toString();
}

/** Accepts either form and returns the key. */
export function toBlobKey(keyOrIntegrity: string): string {
  return KEY_PATTERN.test(keyOrIntegrity) ? keyOrIntegrity : integrityToKey(keyOrIntegrity);
}

export function keyToHex(key: string): string {
  const match = KEY_PATTERN.exec(key);
  if (!match) throw invalid(`"${key}" is not a blob key (sha512/<128 lowercase hex>)`);
  return match[1];
}

export interface ExpectedIntegrity {
  readonly sri: ssri.IntegrityMap;
  /** The strongest algorithm in `sri`: the one a check compares (ssri's rule). */
  readonly algorithm: string;
}

/** Lenient on purpose: old npm versions only carry a sha1 integrity, and that is still worth checking. */
export function parseExpectedIntegrity(integrity: string): ExpectedIntegrity {
  const sri = parseSri(integrity, false);
  if (!sri) throw invalid(`expectedIntegrity "${integrity}" holds no usable hash`);
  const algorithm = sri.pickAlgorithm();
  if (!getHashes().includes(algorithm)) {
    throw invalid(`expectedIntegrity uses "${algorithm}", which this runtime cannot compute`);
  }
  return { sri, algorithm };
}

/** Digests of the stored bytes as SRI; `extra` adds the non-sha512 algorithm a check needs. */
export function computedIntegrity(sha512Hex: string, extra?: { algorithm: string; hex: string }): ssri.IntegrityMap {
  const sri = ssri.fromHex(sha512Hex, 'sha512');
  return extra ? sri.concat(ssri.fromHex(extra.hex, extra.algorithm)) : sri;
}

// ssri 13 returns null for input without any valid hash; @types/ssri (written for v7) does not say so.
function parseSri(integrity: string, strict: boolean): ssri.IntegrityMap | null {
  return ssri.parse(integrity, { strict }) as ssri.IntegrityMap | null;
}

function invalid(message: string): StorageError {
  return new StorageError(StorageErrorCode.InvalidArgument, message);
}

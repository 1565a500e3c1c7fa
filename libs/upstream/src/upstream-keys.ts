import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { PermanentError } from '@palisade/errors';

/** One key of an npm registry's `/-/npm/v1/keys` document. */
export interface UpstreamKey {
  keyid: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  key: string;
  keytype: string;
  scheme: string;
  expires: string | null;
}

export interface UpstreamSignature {
  keyid: string;
  sig: string;
}

export type SignatureCheck =
  | { outcome: 'verified'; keyid: string }
  | { outcome: 'unsigned' }
  | { outcome: 'unknown-key'; keyids: string[] }
  | { outcome: 'invalid'; keyid: string; reason: string };

/** Parses a `/-/npm/v1/keys` body; throws `UPSTREAM_KEYS_INVALID` on anything else. */
export function parseUpstreamKeys(body: unknown): UpstreamKey[] {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new PermanentError('UPSTREAM_KEYS_INVALID', 'the keys document has no `keys` array');
  return keys.map((entry: unknown, i) => {
    const k = entry as Partial<UpstreamKey> | null;
    if (!k || typeof k.keyid !== 'string' || typeof k.key !== 'string') throw new PermanentError('UPSTREAM_KEYS_INVALID', `keys[${i}] needs a keyid and a key`);
    if (k.expires !== undefined && k.expires !== null && (typeof k.expires !== 'string' || Number.isNaN(Date.parse(k.expires)))) {
      throw new PermanentError('UPSTREAM_KEYS_INVALID', `keys[${i}].expires is not a date`);
    }
    return { keyid: k.keyid, key: k.key, keytype: String(k.keytype ?? ''), scheme: String(k.scheme ?? ''), expires: k.expires ?? null };
  });
}

/** The same set of keys (order and unknown fields aside)? */
export function sameKeySet(a: readonly UpstreamKey[], b: readonly UpstreamKey[]): boolean {
  const fingerprint = (keys: readonly UpstreamKey[]) => keys.map((k) => `${k.keyid} ${k.key} ${k.expires ?? ''}`).sort().join('\n');
  return fingerprint(a) === fingerprint(b);
}

/** npm's key id: `SHA256:` + unpadded base64 sha256 of the DER SPKI. A key whose id does not match its bytes is not trusted. */
function keyIdMatches(key: UpstreamKey): boolean {
  return `SHA256:${createHash('sha256').update(Buffer.from(key.key, 'base64')).digest('base64').replace(/=+$/, '')}` === key.keyid;
}

function publicKeyOf(key: UpstreamKey): KeyObject {
  return createPublicKey({ key: Buffer.from(key.key, 'base64'), format: 'der', type: 'spki' });
}

/**
 * Checks a version's `dist.signatures` the way npm does (pacote): ECDSA-SHA256 over
 * `<name>@<version>:<integrity>` by a listed key that had not expired when the version was
 * published. One valid signature by a trusted key is enough; a signature by a trusted key that
 * does not verify makes the version invalid whatever else it carries.
 */
export function checkUpstreamSignature(
  keys: readonly UpstreamKey[],
  subject: { name: string; version: string; integrity: string; publishedAt?: Date },
  signatures: readonly UpstreamSignature[],
): SignatureCheck {
  if (signatures.length === 0) return { outcome: 'unsigned' };
  const message = Buffer.from(`${subject.name}@${subject.version}:${subject.integrity}`);
  let verified: string | undefined;
  const unknown: string[] = [];
  for (const signature of signatures) {
    const key = keys.find((k) => k.keyid === signature.keyid);
    if (!key) {
      unknown.push(signature.keyid);
      continue;
    }
    if (!keyIdMatches(key)) return { outcome: 'invalid', keyid: key.keyid, reason: 'the key id does not match the key' };
    if (key.expires !== null && subject.publishedAt && subject.publishedAt.getTime() >= Date.parse(key.expires)) {
      return { outcome: 'invalid', keyid: key.keyid, reason: `signed by a key that expired ${key.expires}` };
    }
    let ok = false;
    try {
      ok = verify('sha256', message, publicKeyOf(key), Buffer.from(signature.sig, 'base64'));
    } catch {
      ok = false;
    }
    if (!ok) return { outcome: 'invalid', keyid: key.keyid, reason: 'the signature does not verify' };
    verified = key.keyid;
  }
  if (verified) return { outcome: 'verified', keyid: verified };
  return { outcome: 'unknown-key', keyids: unknown };
}

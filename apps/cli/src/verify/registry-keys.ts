import { createPublicKey, type KeyObject } from 'node:crypto';

/** One entry of `GET /-/npm/v1/keys`. */
export interface NpmRegistryKey {
  keyid: string;
  keytype: string;
  scheme: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  key: string;
  expires: string | null;
}

export interface RegistryKey {
  keyid: string;
  expires: string | null;
  publicKey: KeyObject;
}

/** The keys npm's pacote would use; unusable entries are left out (a signature by them then has no key). */
export function registryKeys(keys: readonly NpmRegistryKey[]): Map<string, RegistryKey> {
  const out = new Map<string, RegistryKey>();
  for (const k of keys) {
    try {
      out.set(k.keyid, { keyid: k.keyid, expires: k.expires, publicKey: createPublicKey({ key: Buffer.from(k.key, 'base64'), format: 'der', type: 'spki' }) });
    } catch {
      // A key this client cannot read cannot vouch for anything.
    }
  }
  return out;
}

import { SigningError } from '../signing-error';
import { KEY_SCHEME, KEY_TYPE } from './key-id';

export type KeyStatus = 'active' | 'retired' | 'revoked';

/** One registry key as the key ring keeps it (public material only). */
export interface RegistryKeyState {
  keyid: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  publicKey: string;
  status: KeyStatus;
  createdAt: Date;
  /** null while active. */
  expires: Date | null;
  retiredAt?: Date;
  revokedAt?: Date;
}

/**
 * The `expires` of a revoked key: the earliest instant a JavaScript Date can hold. npm accepts a
 * signature iff `time[version] < expires`; a revoked key is presumed compromised, and whoever
 * holds it can also serve metadata with a back-dated `time`. Any later cutoff (the key's creation,
 * the revocation) would still accept a forgery dated before it; this one accepts nothing.
 */
export const REVOKED_EXPIRES = new Date(-8.64e15);

/** A new key, active from `at`. */
export function activeKey(keyid: string, publicKey: string, at: Date): RegistryKeyState {
  return { keyid, publicKey, status: 'active', createdAt: at, expires: null };
}

/**
 * The key set after `next` replaces the active key at `at`. The old key stays listed and keeps
 * verifying what it signed: it expires at the rotation, or just after the latest publish time it
 * signed if that is later (clocks of ingest and signing hosts may differ).
 */
export function rotate(keys: readonly RegistryKeyState[], next: RegistryKeyState, at: Date, lastSignedPublishTime: Date | null): RegistryKeyState[] {
  const expires = lastSignedPublishTime && lastSignedPublishTime.getTime() >= at.getTime() ? new Date(lastSignedPublishTime.getTime() + 1) : at;
  return [...keys.map((k) => (k.status === 'active' ? { ...k, status: 'retired' as const, retiredAt: at, expires } : k)), next];
}

/**
 * The key set after revoking `keyid` at `at`, or null when it is already revoked (nothing
 * changes). The active key cannot be revoked: rotate first, so that signing never stops.
 */
export function revoke(keys: readonly RegistryKeyState[], keyid: string, at: Date): RegistryKeyState[] | null {
  const key = keys.find((k) => k.keyid === keyid);
  if (!key) throw new SigningError('SIGNING_KEY_NOT_FOUND', `no registry key ${keyid}`);
  if (key.status === 'revoked') return null;
  if (key.status === 'active') throw new SigningError('SIGNING_KEY_ACTIVE', `${keyid} is the active key: rotate first, then revoke it`);
  return keys.map((k) => (k.keyid === keyid ? { ...k, status: 'revoked' as const, revokedAt: at, expires: REVOKED_EXPIRES } : k));
}

export function activeOf(keys: readonly RegistryKeyState[]): RegistryKeyState | undefined {
  return keys.find((k) => k.status === 'active');
}

/** One entry of `/-/npm/v1/keys`. */
export interface NpmPublicKey {
  expires: string | null;
  keyid: string;
  keytype: string;
  scheme: string;
  key: string;
}

export function npmPublicKey(key: Pick<RegistryKeyState, 'keyid' | 'publicKey' | 'expires'>): NpmPublicKey {
  return { expires: key.expires ? key.expires.toISOString() : null, keyid: key.keyid, keytype: KEY_TYPE, scheme: KEY_SCHEME, key: key.publicKey };
}

import { createHash } from 'node:crypto';

/** npm's key id form: `SHA256:` + unpadded base64 of the sha256 of the DER SubjectPublicKeyInfo. */
export function keyIdOf(spkiDer: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(spkiDer).digest('base64').replace(/=+$/, '')}`;
}

/** Key type and scheme npm expects of a registry key (ECDSA P-256 with SHA-256). */
export const KEY_TYPE = 'ecdsa-sha2-nistp256';
export const KEY_SCHEME = 'ecdsa-sha2-nistp256';

import { createHash, timingSafeEqual } from 'node:crypto';

export type AdminCheck = 'ok' | 'disabled' | 'unauthorized';

/** Compares a `Bearer` credential with the configured token in constant time (of equal-length digests). */
export function checkAdminToken(configured: string | undefined, authorization: string | undefined): AdminCheck {
  if (configured === undefined) return 'disabled';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return 'unauthorized';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(configured)) ? 'ok' : 'unauthorized';
}

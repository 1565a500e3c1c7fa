import { createHash, randomBytes } from 'node:crypto';
import type { LoginSession } from '../store/login-session-store';

/** How long a web login may take from `npm login` to the approval in the browser. */
export const LOGIN_SESSION_TTL_MS = 5 * 60_000;

export type LoginSessionState = 'pending' | 'approved' | 'used' | 'expired';

export function loginSessionState(session: LoginSession, now: Date): LoginSessionState {
  if (session.consumed) return 'used';
  if (session.expires.getTime() <= now.getTime()) return 'expired';
  return session.approved ? 'approved' : 'pending';
}

/** An unguessable id for a login URL or a done URL (256 bits, URL-safe). */
export function newLoginSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Only hashes of the ids are stored: a database reader cannot complete someone's login. */
export function loginSecretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The form of ids `newLoginSecret` makes, checked before any lookup. */
export const LOGIN_SECRET = /^[A-Za-z0-9_-]{43}$/;

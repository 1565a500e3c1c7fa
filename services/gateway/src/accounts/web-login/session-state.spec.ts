import type { LoginSession } from '../store/login-session-store';
import { LOGIN_SECRET, loginSecretHash, loginSessionState, newLoginSecret } from './session-state';

const now = new Date('2026-01-01T00:05:00Z');
const session = (patch: Partial<LoginSession>): LoginSession => ({
  id: 'id',
  allowSignup: false,
  user: null,
  created: new Date('2026-01-01T00:00:00Z'),
  expires: new Date('2026-01-01T00:05:01Z'),
  approved: null,
  consumed: null,
  ...patch,
});

describe('web login sessions', () => {
  it('moves from pending to approved to used, and expires', () => {
    expect(loginSessionState(session({}), now)).toBe('pending');
    expect(loginSessionState(session({ approved: now, user: 'alice' }), now)).toBe('approved');
    expect(loginSessionState(session({ approved: now, consumed: now }), now)).toBe('used');
    expect(loginSessionState(session({ expires: now }), now)).toBe('expired');
    expect(loginSessionState(session({ expires: now, approved: now }), now)).toBe('expired');
  });

  it('makes URL-safe 256-bit secrets and stores only their hashes', () => {
    const secret = newLoginSecret();
    expect(secret).toMatch(LOGIN_SECRET);
    expect(newLoginSecret()).not.toBe(secret);
    expect(loginSecretHash(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(loginSecretHash(secret)).not.toContain(secret);
  });
});

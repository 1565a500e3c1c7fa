import { RegistryHttpError } from '../http/registry-errors';
import type { Principal } from '../http/registry-request';
import { assertAdmin, assertCanWrite, tokenCovers, writeDecision } from './permissions';

const alice: Principal = { user: 'alice', tokenId: 'k', readonly: false, admin: false };

function thrown(fn: () => void): RegistryHttpError {
  try {
    fn();
  } catch (e: unknown) {
    if (e instanceof RegistryHttpError) return e;
    throw e;
  }
  throw new Error('expected a RegistryHttpError');
}

describe('permissions', () => {
  it('matches allow-list entries by scope or exact name', () => {
    const ci: Principal = { ...alice, allowedPackages: ['@acme', 'left-pad', '@other/exact'] };
    expect(tokenCovers(ci, '@acme/web')).toBe(true);
    expect(tokenCovers(ci, 'left-pad')).toBe(true);
    expect(tokenCovers(ci, '@other/exact')).toBe(true);
    expect(tokenCovers(ci, '@other/else')).toBe(false);
    expect(tokenCovers(ci, '@acmecorp/web')).toBe(false);
    expect(tokenCovers(ci, 'left-pad2')).toBe(false);
    expect(tokenCovers(ci, 'acme')).toBe(false);
    expect(tokenCovers(alice, 'anything')).toBe(true);
  });

  it('decides writes: anonymous, read-only, outside the token, allowed', () => {
    expect(writeDecision(null, 'x')).toBe('anonymous');
    expect(writeDecision({ ...alice, readonly: true }, 'x')).toBe('readonly');
    expect(writeDecision({ ...alice, admin: true, readonly: true }, 'x')).toBe('readonly');
    expect(writeDecision({ ...alice, allowedPackages: ['@acme'] }, 'x')).toBe('outside-token-scope');
    expect(writeDecision({ ...alice, allowedPackages: ['@acme'] }, '@acme/x')).toBe('allowed');
    expect(writeDecision({ ...alice, admin: true }, 'x')).toBe('allowed');
  });

  it('throws the documented codes', () => {
    const anonymous = thrown(() => assertCanWrite(null, 'x'));
    expect([anonymous.status, anonymous.code, anonymous.headers['www-authenticate']]).toEqual([401, 'PAL_ERR_UNAUTHORIZED', 'Bearer realm="palisade"']);
    expect(thrown(() => assertCanWrite({ ...alice, readonly: true }, 'x')).code).toBe('PAL_ERR_TOKEN_READONLY');
    const scope = thrown(() => assertCanWrite({ ...alice, allowedPackages: ['y'] }, 'x'));
    expect([scope.status, scope.message]).toEqual([403, 'this token is not allowed to act on x']);
    expect(() => assertCanWrite(alice, 'x')).not.toThrow();
  });

  it('lets only writable admin principals do admin work', () => {
    expect(thrown(() => assertAdmin(null, 'create users')).status).toBe(401);
    expect(thrown(() => assertAdmin(alice, 'create users')).code).toBe('PAL_ERR_FORBIDDEN');
    expect(thrown(() => assertAdmin({ ...alice, admin: true, readonly: true }, 'create users')).code).toBe('PAL_ERR_TOKEN_READONLY');
    expect(() => assertAdmin({ ...alice, admin: true }, 'create users')).not.toThrow();
  });
});

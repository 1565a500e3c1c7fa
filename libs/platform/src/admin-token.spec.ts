import { checkAdminToken } from './admin-token';

describe('checkAdminToken', () => {
  it('accepts only the configured bearer token, and is disabled without one', () => {
    expect(checkAdminToken('s3cret-admin-token-1', 'Bearer s3cret-admin-token-1')).toBe('ok');
    expect(checkAdminToken('s3cret-admin-token-1', 'Bearer s3cret-admin-token-2')).toBe('unauthorized');
    expect(checkAdminToken('s3cret-admin-token-1', 'Basic czNjcmV0')).toBe('unauthorized');
    expect(checkAdminToken('s3cret-admin-token-1', undefined)).toBe('unauthorized');
    expect(checkAdminToken(undefined, 'Bearer anything')).toBe('disabled');
  });
});

import type { UsableToken } from '../store/token-store';
import { principalOfToken } from './token-authenticator';

const token = (patch: Partial<UsableToken>): UsableToken => ({
  key: 'k',
  user: 'root',
  kind: 'api',
  displayPrefix: 'pal_abcdef',
  readonly: false,
  cidrWhitelist: null,
  name: null,
  description: null,
  expiresAt: null,
  packages: null,
  scopes: null,
  created: new Date(0),
  updated: new Date(0),
  lastUsed: null,
  revoked: null,
  userAdmin: false,
  ...patch,
});

describe('principalOfToken', () => {
  it('carries the owner, the token key and read-only', () => {
    expect(principalOfToken(token({ readonly: true }))).toEqual({ user: 'root', tokenId: 'k', readonly: true, admin: false });
  });

  it('gives admin powers only to an admin’s unrestricted tokens', () => {
    expect(principalOfToken(token({ userAdmin: true })).admin).toBe(true);
    expect(principalOfToken(token({ userAdmin: true, readonly: true }))).toMatchObject({ admin: true, readonly: true });
    expect(principalOfToken(token({ userAdmin: true, scopes: ['@acme'], packages: ['x'] }))).toEqual({
      user: 'root',
      tokenId: 'k',
      readonly: false,
      admin: false,
      allowedPackages: ['@acme', 'x'],
    });
  });
});

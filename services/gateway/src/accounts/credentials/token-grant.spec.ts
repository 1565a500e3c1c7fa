import { allowListOf, narrowGrant, parseTokenRequest, UNRESTRICTED_GRANT, type CreatorRights, type TokenGrant } from './token-grant';

const now = new Date('2026-01-01T00:00:00.000Z');

describe('parseTokenRequest', () => {
  it('defaults everything but the password (classic npm body)', () => {
    expect(parseTokenRequest({ password: 'pw', readonly: false, cidr_whitelist: null }, now)).toEqual({
      password: 'pw',
      grant: { readonly: false, cidrWhitelist: null, name: null, description: null, expiresAt: null, packages: null, scopes: null },
    });
  });

  it('reads npm 11 granular fields and ignores the ones it has no use for', () => {
    const parsed = parseTokenRequest(
      {
        password: 'pw',
        name: 'ci',
        description: 'publishes acme',
        expires: 30,
        packages: ['left-pad', '@other/x'],
        scopes: ['acme', '@tools'],
        orgs: ['acme'],
        orgs_permission: 'read-write',
        bypass_2fa: true,
        cidr_whitelist: ['10.0.0.0/8'],
        packages_and_scopes_permission: 'read-write',
      },
      now,
    );
    expect(parsed).toEqual({
      password: 'pw',
      grant: {
        readonly: false,
        cidrWhitelist: ['10.0.0.0/8'],
        name: 'ci',
        description: 'publishes acme',
        expiresAt: new Date('2026-01-31T00:00:00.000Z'),
        packages: ['left-pad', '@other/x'],
        scopes: ['@acme', '@tools'],
      },
    });
  });

  it('makes read-only and no-access permissions read-only tokens; packages_all lifts the allow-list', () => {
    const readOnly = parseTokenRequest({ password: 'pw', packages_and_scopes_permission: 'read-only', packages: 'a,b' }, now);
    expect(readOnly).toMatchObject({ grant: { readonly: true, packages: ['a', 'b'] } });
    expect(parseTokenRequest({ password: 'pw', packages_and_scopes_permission: 'no-access' }, now)).toMatchObject({ grant: { readonly: true } });
    expect(parseTokenRequest({ password: 'pw', packages_all: true, packages: ['a'] }, now)).toMatchObject({ grant: { packages: null } });
    expect(parseTokenRequest({ password: 'pw', readonly: true }, now)).toMatchObject({ grant: { readonly: true } });
  });

  it('accepts an ISO expiry date', () => {
    expect(parseTokenRequest({ password: 'pw', expires: '2026-02-01T00:00:00Z' }, now)).toMatchObject({ grant: { expiresAt: new Date('2026-02-01T00:00:00Z') } });
  });

  it('lists every problem at once', () => {
    const parsed = parseTokenRequest(
      { readonly: 'yes', cidr_whitelist: ['10.0.0.0/8', '::1/128'], expires: 0, packages: ['Bad Name'], scopes: ['@@x'], name: 5, packages_and_scopes_permission: 'all' },
      now,
    );
    expect(parsed).toEqual({
      problems: [
        'password is required',
        'readonly must be true or false',
        'packages_and_scopes_permission must be read-only, read-write or no-access',
        'cidr_whitelist entry "::1/128" is not an IPv4 CIDR range',
        'packages entry "Bad Name" is not a package name',
        'scopes entry "@@x" is not a scope',
        'name must be a string',
        'expires must be a whole number of days between 1 and 3650',
      ],
    });
    expect(parseTokenRequest('nope', now)).toEqual({ problems: ['body must be a JSON object'] });
    expect(parseTokenRequest({ password: 'pw', expires: '2025-01-01' }, now)).toEqual({ problems: ['expires must be in the future'] });
  });
});

describe('allowListOf', () => {
  it('joins scopes and packages, or says "no restriction"', () => {
    expect(allowListOf({ scopes: ['@acme'], packages: ['x'] })).toEqual(['@acme', 'x']);
    expect(allowListOf({ scopes: null, packages: null })).toBeUndefined();
  });
});

describe('narrowGrant: a new token never exceeds its creator', () => {
  const requested = (over: Partial<TokenGrant> = {}): TokenGrant => ({ ...UNRESTRICTED_GRANT, ...over });
  const creator = (over: Partial<CreatorRights> = {}): CreatorRights => ({ readonly: false, cidrWhitelist: null, packages: null, scopes: null, expiresAt: null, ...over });

  it('lets an unrestricted creator grant anything', () => {
    expect(narrowGrant(requested({ cidrWhitelist: ['10.0.0.0/8'] }), creator())).toEqual({ grant: requested({ cidrWhitelist: ['10.0.0.0/8'] }) });
  });

  it('refuses a writing token from a read-only one, and allows a read-only one', () => {
    expect(narrowGrant(requested(), creator({ readonly: true }))).toEqual({ escalations: [expect.stringMatching(/read-only token can only create read-only tokens/)] });
    expect(narrowGrant(requested({ readonly: true }), creator({ readonly: true }))).toMatchObject({ grant: { readonly: true } });
  });

  it('inherits CIDR limits and refuses wider ranges', () => {
    expect(narrowGrant(requested(), creator({ cidrWhitelist: ['10.1.0.0/16'] }))).toMatchObject({ grant: { cidrWhitelist: ['10.1.0.0/16'] } });
    expect(narrowGrant(requested({ cidrWhitelist: ['10.1.2.0/24'] }), creator({ cidrWhitelist: ['10.1.0.0/16'] }))).toMatchObject({ grant: { cidrWhitelist: ['10.1.2.0/24'] } });
    expect(narrowGrant(requested({ cidrWhitelist: ['10.0.0.0/8'] }), creator({ cidrWhitelist: ['10.1.0.0/16'] }))).toEqual({ escalations: [expect.stringMatching(/10\.0\.0\.0\/8 lies outside/)] });
  });

  it('inherits package limits and refuses other packages', () => {
    expect(narrowGrant(requested(), creator({ scopes: ['@acme'] }))).toMatchObject({ grant: { scopes: ['@acme'], packages: null } });
    expect(narrowGrant(requested({ packages: ['@acme/widget'] }), creator({ scopes: ['@acme'] }))).toMatchObject({ grant: { packages: ['@acme/widget'] } });
    expect(narrowGrant(requested({ scopes: ['@other'] }), creator({ scopes: ['@acme'] }))).toEqual({ escalations: [expect.stringMatching(/@other lies outside/)] });
  });

  it('never outlives its creator', () => {
    const soon = new Date('2030-01-01T00:00:00Z');
    expect(narrowGrant(requested(), creator({ expiresAt: soon }))).toMatchObject({ grant: { expiresAt: soon } });
    expect(narrowGrant(requested({ expiresAt: new Date('2031-01-01T00:00:00Z') }), creator({ expiresAt: soon }))).toMatchObject({ grant: { expiresAt: soon } });
  });
});

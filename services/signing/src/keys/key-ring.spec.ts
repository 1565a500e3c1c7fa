import { REVOKED_EXPIRES, activeKey, activeOf, npmPublicKey, revoke, rotate } from './key-ring';

const t = (iso: string) => new Date(iso);

describe('key ring state machine', () => {
  const first = activeKey('SHA256:one', 'PUB1', t('2026-01-01T00:00:00.000Z'));
  const second = activeKey('SHA256:two', 'PUB2', t('2026-02-01T00:00:00.000Z'));

  it('rotation activates the new key and retires the old one, which expires at the rotation', () => {
    const keys = rotate([first], second, t('2026-02-01T00:00:00.000Z'), t('2026-01-31T00:00:00.000Z'));
    expect(keys.map((k) => [k.keyid, k.status, k.expires?.toISOString() ?? null])).toEqual([
      ['SHA256:one', 'retired', '2026-02-01T00:00:00.000Z'],
      ['SHA256:two', 'active', null],
    ]);
    expect(activeOf(keys)?.keyid).toBe('SHA256:two');
  });

  it('keeps every version the old key signed valid, even one time-stamped after the rotation by a skewed clock', () => {
    const [old] = rotate([first], second, t('2026-02-01T00:00:00.000Z'), t('2026-02-01T00:00:05.000Z'));
    expect(old.expires?.toISOString()).toBe('2026-02-01T00:00:05.001Z');
  });

  it('revocation keeps the key listed with an expiry no publish time can be before', () => {
    const rotated = rotate([first], second, t('2026-02-01T00:00:00.000Z'), null);
    const keys = revoke(rotated, 'SHA256:one', t('2026-03-01T00:00:00.000Z'));
    const revoked = keys?.find((k) => k.keyid === 'SHA256:one');
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: t('2026-03-01T00:00:00.000Z'), retiredAt: t('2026-02-01T00:00:00.000Z') });
    const expires = npmPublicKey(revoked!).expires as string;
    // pacote: valid iff Date.parse(time[version]) < Date.parse(expires); nothing parses below it.
    expect(Date.parse(expires)).toBe(REVOKED_EXPIRES.getTime());
    for (const time of ['1900-01-01T00:00:00.000Z', '0001-01-01T00:00:00.000Z', '-100000-01-01T00:00:00.000Z', '2015-01-01T00:00:00.000Z']) {
      expect(Date.parse(time) < Date.parse(expires)).toBe(false);
    }
    expect(keys?.find((k) => k.keyid === 'SHA256:two')?.status).toBe('active');
  });

  it('refuses to revoke the active key or an unknown one, and revoking twice changes nothing', () => {
    expect(() => revoke([first], 'SHA256:one', new Date())).toThrow(expect.objectContaining({ code: 'SIGNING_KEY_ACTIVE' }));
    expect(() => revoke([first], 'SHA256:nope', new Date())).toThrow(expect.objectContaining({ code: 'SIGNING_KEY_NOT_FOUND' }));
    const once = revoke(rotate([first], second, new Date(), null), 'SHA256:one', new Date());
    expect(revoke(once!, 'SHA256:one', new Date())).toBeNull();
  });

  it("renders npm's key shape", () => {
    expect(npmPublicKey(first)).toEqual({ expires: null, keyid: 'SHA256:one', keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: 'PUB1' });
  });
});

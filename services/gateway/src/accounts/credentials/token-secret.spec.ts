import { displayPrefixOf, generateToken, isTokenKey, tokenKeyOf } from './token-secret';

describe('token secrets', () => {
  it('generates distinct pal_ tokens with 256 random bits, safe in URLs and .npmrc', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => generateToken()));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
  });

  it('keys a token by the sha512 hex of its value', () => {
    expect(tokenKeyOf('abc')).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect(isTokenKey(tokenKeyOf(generateToken()))).toBe(true);
    expect(isTokenKey('DDAF35')).toBe(false);
  });

  it('shows only the prefix and six characters, and never most of a short operator-chosen token', () => {
    expect(displayPrefixOf(`pal_abcdefgh${'x'.repeat(35)}`)).toBe('pal_abcdef');
    expect(displayPrefixOf('short-secret-1234')).toBe('short');
  });
});

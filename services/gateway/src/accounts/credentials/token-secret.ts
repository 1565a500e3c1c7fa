import { createHash, randomBytes } from 'node:crypto';

/** Every token Palisade issues starts with this, so secret scanners and people can tell them apart. */
export const TOKEN_PREFIX = 'pal_';

/** How much of a token `npm token list` may show: the prefix and six random characters. */
const DISPLAY_LENGTH = TOKEN_PREFIX.length + 6;

const TOKEN_KEY = /^[0-9a-f]{128}$/;

/** A fresh bearer token: `pal_` + 32 random bytes, base64url (256 bits of entropy). */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * The token's key: sha512 hex of its value. Only keys are stored; npm lists and revokes tokens by
 * key, and a plain hash is enough because the value is random, not a password.
 */
export function tokenKeyOf(token: string): string {
  return createHash('sha512').update(token, 'utf8').digest('hex');
}

export function isTokenKey(value: string): boolean {
  return TOKEN_KEY.test(value);
}

/**
 * The visible start of a token for listings. No ellipsis: npm prints its own, and `npm token
 * revoke <token value>` matches the value against this prefix.
 */
export function displayPrefixOf(token: string): string {
  return token.slice(0, Math.min(DISPLAY_LENGTH, Math.max(1, Math.floor(token.length / 3))));
}

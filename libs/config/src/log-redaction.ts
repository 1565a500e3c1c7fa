import { REDACTED, SECRET_KEY_PATTERN } from './redact';

/** Exact top-level names, for pino's own `redact`; they also cover `logger.child({...})` bindings. */
export const TOP_LEVEL_SECRET_KEYS: readonly string[] = [
  'password', 'passphrase', 'secret', 'token', 'accessToken', 'refreshToken', 'idToken', 'authToken', 'apiKey',
  'privateKey', 'authorization', 'Authorization', 'cookie', 'connectionString', 'databaseUrl', 'PALISADE_DATABASE_URL',
];

const MAX_DEPTH = 6;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of a log object with every secret-named key censored, at any depth up to six levels;
 * untouched parts are shared, and an object without secrets is returned as is. Only plain
 * objects and arrays are walked: errors and class instances keep their identity so pino's
 * serializers still see them (and a loaded config redacts itself through `toJSON`).
 *
 * Why not pino's `redact` with wildcard paths: each `*.key` path costs about a microsecond per
 * line, and covering ~30 keys three levels deep made every log line ~80x slower.
 */
export function censorSecrets<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const safe = censorSecrets(item, depth + 1);
      if (safe !== item) (copy ??= [...value])[index] = safe;
    });
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const safe = SECRET_KEY_PATTERN.test(key) && item !== undefined && item !== null && typeof item !== 'boolean' ? REDACTED : censorSecrets(item, depth + 1);
    if (safe !== item) (copy ??= { ...value })[key] = safe;
  }
  return (copy ?? value) as T;
}

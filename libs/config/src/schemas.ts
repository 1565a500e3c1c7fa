import { z } from 'zod';

/*
 * Schemas for the usual kinds of environment variable. Each takes the raw string from the
 * environment and outputs the typed value; messages are phrased to follow the variable's name
 * ("PALISADE_HTTP_PORT: must be …") and never quote the input, so they are safe for secrets.
 */

const WHOLE_NUMBER = /^[+-]?\d+$/;

/** A TCP port, 1–65535. */
export function port(): z.ZodType<number, string> {
  return int({ min: 1, max: 65535 });
}

export interface IntOptions {
  min?: number;
  max?: number;
}

/** A whole number, optionally bounded (inclusive). */
export function int(options: IntOptions = {}): z.ZodType<number, string> {
  const { min, max } = options;
  const range =
    min !== undefined && max !== undefined
      ? ` between ${min} and ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : '';
  const message = `must be a whole number${range}`;
  return z
    .string()
    .trim()
    .regex(WHOLE_NUMBER, { error: message })
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && (min === undefined || n >= min) && (max === undefined || n <= max), {
      error: message,
    });
}

export interface UrlOptions {
  /** Allowed schemes without the colon, e.g. `['postgres', 'postgresql']`. Any scheme when omitted. */
  protocols?: readonly string[];
}

/** An absolute URL, optionally restricted to some schemes. Kept as the string given. */
export function url(options: UrlOptions = {}): z.ZodType<string, string> {
  const { protocols } = options;
  const expected = protocols ? ` with scheme ${protocols.map((p) => `${p}:`).join(' or ')}` : '';
  return z
    .string()
    .trim()
    .refine(
      (value) => {
        if (!URL.canParse(value)) return false;
        const scheme = new URL(value).protocol.slice(0, -1);
        return protocols === undefined || protocols.includes(scheme);
      },
      { error: `must be an absolute URL${expected}` },
    );
}

const TRUE_WORDS = ['true', '1'];
const BOOL_WORDS = [...TRUE_WORDS, 'false', '0'];

/** true/false/1/0 (any case). Anything else is an error rather than silently false. */
export function bool(): z.ZodType<boolean, string> {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => BOOL_WORDS.includes(value), { error: 'must be true, false, 1 or 0' })
    .transform((value) => TRUE_WORDS.includes(value));
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface DurationOptions {
  /** Inclusive bounds in milliseconds. */
  minMs?: number;
  maxMs?: number;
}

/** A duration in milliseconds: a bare number of ms (`5000`) or a number with a unit (`250ms`, `5s`, `2m`, `1h`, `1d`). */
export function duration(options: DurationOptions = {}): z.ZodType<number, string> {
  const { minMs, maxMs } = options;
  const bounds =
    (minMs !== undefined ? `, at least ${minMs}ms` : '') + (maxMs !== undefined ? `, at most ${maxMs}ms` : '');
  const message = `must be a duration such as 5000 (ms), 250ms, 5s, 2m, 1h or 1d${bounds}`;
  return z
    .string()
    .trim()
    .regex(DURATION, { error: message })
    .transform((value) => {
      const [, amount, unit = 'ms'] = DURATION.exec(value) ?? [];
      return Math.round(Number(amount) * UNIT_MS[unit]);
    })
    .refine((ms) => (minMs === undefined || ms >= minMs) && (maxMs === undefined || ms <= maxMs), { error: message });
}

/**
 * A comma-separated list; items are trimmed and empty items dropped. With `item`, each entry is
 * validated (and transformed) by that schema, e.g. `list(url())`.
 */
export function list(): z.ZodType<string[], string>;
export function list<T>(item: z.ZodType<T, string>): z.ZodType<T[], string>;
export function list<T>(item?: z.ZodType<T, string>): z.ZodType<(T | string)[], string> {
  const items = z.string().transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  );
  return item === undefined ? items : items.pipe(z.array(item));
}

/** One of a fixed set of words (exact match). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number], string> {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

/** A non-empty string (surrounding spaces removed). */
export function str(): z.ZodType<string, string> {
  return z.string().trim().min(1, { error: 'must not be empty' });
}

const secretSchemas = new WeakSet<z.ZodType>();

/**
 * Marks a variable as secret: its value is never echoed in errors and `redactSecrets` hides it.
 * Defaults to a non-empty string; pass a schema for other kinds, e.g. `secret(url())`. Setting
 * `secret: true` on the shape entry has the same effect.
 */
export function secret(): z.ZodType<string, string>;
export function secret<T>(schema: z.ZodType<T, string>): z.ZodType<T, string>;
export function secret<T>(schema?: z.ZodType<T, string>): z.ZodType<T | string, string> {
  // A wrapper keeps the mark off the caller's schema instance, which may be shared.
  const marked = z.string().pipe(schema ?? str());
  secretSchemas.add(marked);
  return marked;
}

/** True when `secret()` built the schema, also under `.default()`, `.optional()` and further pipes. */
export function isSecretSchema(schema: z.ZodType): boolean {
  let current: unknown = schema;
  for (let depth = 0; depth < 16 && current !== undefined; depth += 1) {
    if (secretSchemas.has(current as z.ZodType)) return true;
    const def = (current as { _zod?: { def?: { innerType?: unknown; in?: unknown } } })._zod?.def;
    current = def?.innerType ?? def?.in;
  }
  return false;
}

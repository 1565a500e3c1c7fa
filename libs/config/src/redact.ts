import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

/** Which keys of a loaded config are secret; set by `loadConfig`, invisible to enumeration. */
const SECRET_KEYS = Symbol.for('palisade.config.secretKeys');

/**
 * Key names whose value is a credential, matched case-insensitively at the end of the key so
 * `upstreamToken`, `client_secret`, `Set-Cookie` and `PALISADE_DATABASE_URL` are all caught.
 */
export const SECRET_KEY_PATTERN =
  /(password|passwd|passphrase|secret|token|api_?key|private_?key|secret_?key|signing_?key|key_?material|authorization|cookie|connection_?string|database_?url|pem)$/i;

// `scheme://user:password@host` → keep the user, hide the password; also in strings that are not valid URLs.
const URL_PASSWORD = /(\/\/[^/?#@:\s]*:)[^/?#@\s]*@/g;

export function maskUrlCredentials(text: string): string {
  return text.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

export type Redacted<T> = { readonly [K in keyof T]: T[K] | typeof REDACTED };

/**
 * A copy of `config` that is safe to log: secret variables become `[redacted]` and passwords
 * inside URLs are masked. A config not built by `loadConfig` has no record of its secrets, so
 * names matching `SECRET_KEY_PATTERN` and `extraSecretKeys` are hidden too (over-redacting a log
 * line costs little; leaking a token costs a rotation).
 */
export function redactSecrets<T extends object>(config: T, extraSecretKeys: Iterable<string> = []): Redacted<T> {
  const marked = (config as Record<symbol, unknown>)[SECRET_KEYS];
  const secretKeys = new Set<string>([...(marked instanceof Set ? (marked as Set<string>) : []), ...extraSecretKeys]);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = secretKeys.has(key) || SECRET_KEY_PATTERN.test(key) ? REDACTED : maskValue(value);
  }
  return out as Redacted<T>;
}

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (Array.isArray(value)) return value.map(maskValue);
  return value;
}

/**
 * Builds the loaded config on a prototype that makes it safe by construction: `JSON.stringify`
 * (hence pino) and `util.inspect` (hence console.log) print the redacted form, so logging the whole
 * object never leaks a secret. The methods live on the prototype, not on the object, because
 * pino's redaction copies logged objects keeping only their prototype and own enumerable keys.
 */
export function withSecretsHidden<T extends object>(values: T, secretKeys: ReadonlySet<string>): T {
  const proto = Object.create(Object.prototype, {
    [SECRET_KEYS]: { value: secretKeys },
    toJSON: { value: redactThis },
    [inspect.custom]: { value: redactThis },
  }) as object;
  Object.freeze(proto);
  return Object.assign(Object.create(proto) as T, values);
}

function redactThis(this: object): object {
  return redactSecrets(this);
}

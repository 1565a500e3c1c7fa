import type { ConfigProblem } from './config-error';
import { ConfigError } from './config-error';
import type { ConfigDefinition, ConfigShape, ConfigValues } from './config-definition';
import { isSecretVar, toDefinition } from './config-definition';
import { REDACTED, withSecretsHidden, maskUrlCredentials } from './redact';

export type Env = Readonly<Record<string, string | undefined>>;

/** The loaded settings: typed, deeply frozen, and redacted when serialised. */
export type Config<S extends ConfigShape> = Readonly<ConfigValues<S>>;

const ECHO_LIMIT = 80;
// Scrubbing very short secrets would garble every message for little gain; our own messages never contain values anyway.
const MIN_SCRUB_LENGTH = 4;

/**
 * Parses and validates every variable of the shape from `env` (default `process.env`), once, at
 * start. An empty value counts as unset, so `FOO=` in a compose file falls back to the default.
 * Throws one `ConfigError` naming every wrong or missing variable.
 */
export function loadConfig<S extends ConfigShape>(definition: ConfigDefinition<S>, env?: Env): Config<S>;
export function loadConfig<S extends ConfigShape>(shape: S, env?: Env): Config<S>;
export function loadConfig<S extends ConfigShape>(definitionOrShape: ConfigDefinition<S> | S, env: Env = process.env): Config<S> {
  const { shape, rules } = toDefinition(definitionOrShape);
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  const secretKeys = new Set<string>();
  const secretValues: string[] = [];

  for (const [name, entry] of Object.entries(shape)) {
    const raw = env[name];
    const input = raw === '' ? undefined : raw;
    const secret = isSecretVar(entry);
    if (secret) {
      secretKeys.add(name);
      if (input !== undefined) secretValues.push(input);
    }
    const result = entry.schema.safeParse(input);
    if (result.success) {
      values[name] = result.data;
      continue;
    }
    const reasons = [...new Set(result.error.issues.map((issue) => (input === undefined && issue.code === 'invalid_type' ? 'is required but not set' : issue.message)))];
    const echo = secret || input === undefined ? '' : ` (got ${JSON.stringify(clip(maskUrlCredentials(input)))})`;
    problems.push({ variable: name, message: `${reasons.join('; ')}${echo}` });
  }

  if (problems.length === 0) {
    for (const rule of rules) problems.push(...rule(values as ConfigValues<S>));
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => ({ variable: p.variable, message: scrub(p.message, secretValues) })));

  return deepFreeze(withSecretsHidden(values, secretKeys)) as Config<S>;
}

function clip(text: string): string {
  return text.length > ECHO_LIMIT ? `${text.slice(0, ECHO_LIMIT)}…` : text;
}

/** Last line of defence: a custom schema or rule message must not carry a secret out either. */
function scrub(message: string, secretValues: readonly string[]): string {
  return secretValues.reduce((text, value) => (value.length >= MIN_SCRUB_LENGTH ? text.split(value).join(REDACTED) : text), message);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

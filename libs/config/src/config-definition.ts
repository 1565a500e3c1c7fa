import type { z } from 'zod';
import type { ConfigProblem } from './config-error';
import { ConfigDefinitionError } from './config-error';
import { isSecretSchema } from './schemas';

/** One environment variable: how to parse it, what it is for, and whether its value is secret. */
export interface ConfigVar<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  /** One sentence for the operator; goes into the README table via `describeConfig`. */
  readonly description: string;
  /** Never echoed in errors, `[redacted]` in logs. Same as building the schema with `secret()`. */
  readonly secret?: boolean;
}

/** Maps ENV_VAR_NAME → its definition. */
export type ConfigShape = { readonly [name: string]: ConfigVar };

/** The typed values, keyed by variable name. */
export type ConfigValues<S extends ConfigShape> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

/**
 * A rule across variables (e.g. "an endpoint is required when the exporter is otlp"). Runs only
 * when every variable parsed on its own; returns the problems found, each naming its variable.
 */
export type ConfigRule<S extends ConfigShape> = (config: ConfigValues<S>) => readonly ConfigProblem<keyof S & string>[];

export interface ConfigDefinition<S extends ConfigShape> {
  readonly kind: 'config-definition';
  readonly shape: S;
  readonly rules: readonly ConfigRule<S>[];
}

export interface DefineConfigOptions<S extends ConfigShape> {
  rules?: readonly ConfigRule<S>[];
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Checks the shape once, at definition time, so a typo in a name fails the first test run. */
export function defineConfig<S extends ConfigShape>(shape: S, options: DefineConfigOptions<S> = {}): ConfigDefinition<S> {
  for (const [name, entry] of Object.entries(shape)) {
    if (!ENV_NAME.test(name)) throw new ConfigDefinitionError(`${name}: not an UPPER_SNAKE_CASE variable name`);
    if (entry.description.trim().length === 0) throw new ConfigDefinitionError(`${name}: description is empty`);
  }
  return Object.freeze({ kind: 'config-definition', shape: Object.freeze({ ...shape }), rules: Object.freeze([...(options.rules ?? [])]) });
}

/** A service's own variables on top of a shared definition (e.g. `commonConfig`). Names must not clash. */
export function extendConfig<A extends ConfigShape, B extends ConfigShape>(
  base: ConfigDefinition<A>,
  shape: B,
  options: DefineConfigOptions<A & B> = {},
): ConfigDefinition<A & B> {
  const clashes = Object.keys(shape).filter((name) => Object.hasOwn(base.shape, name));
  if (clashes.length > 0) throw new ConfigDefinitionError(`already defined: ${clashes.join(', ')}`);
  const inherited: readonly ConfigRule<A & B>[] = base.rules;
  return defineConfig<A & B>({ ...base.shape, ...shape }, { rules: [...inherited, ...(options.rules ?? [])] });
}

export function isConfigDefinition<S extends ConfigShape>(value: ConfigDefinition<S> | S): value is ConfigDefinition<S> {
  return (value as Partial<ConfigDefinition<S>>).kind === 'config-definition';
}

export function toDefinition<S extends ConfigShape>(value: ConfigDefinition<S> | S): ConfigDefinition<S> {
  return isConfigDefinition(value) ? value : defineConfig(value);
}

export function isSecretVar(entry: ConfigVar): boolean {
  return entry.secret === true || isSecretSchema(entry.schema);
}

import type { ConfigDefinition, ConfigShape } from './config-definition';
import { isSecretVar, toDefinition } from './config-definition';

export interface ConfigRow {
  readonly name: string;
  /** The default as it would be written in the environment; `undefined` when there is none. */
  readonly default: string | undefined;
  /** Unset is an error (no default and not optional). */
  readonly required: boolean;
  readonly secret: boolean;
  readonly description: string;
}

/** One row per variable, in shape order, for the README table and for checking it stays current. */
export function describeConfig<S extends ConfigShape>(definitionOrShape: ConfigDefinition<S> | S): ConfigRow[] {
  const { shape } = toDefinition(definitionOrShape);
  return Object.entries(shape).map(([name, entry]) => {
    // Parsing "unset" is the one way to read a default that works for every zod wrapper.
    const unset = entry.schema.safeParse(undefined);
    return {
      name,
      default: unset.success && unset.data !== undefined ? formatDefault(unset.data) : undefined,
      required: !unset.success,
      secret: isSecretVar(entry),
      description: entry.description,
    };
  });
}

function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatDefault).join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

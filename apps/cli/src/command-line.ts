import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, CliErrorCode } from './cli-error';

/** Where a command talks to and as whom (`--registry`, `--token`; else the environment and .npmrc). */
export interface Connection {
  registry?: string;
  token?: string;
  json: boolean;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every registry command takes. */
export const CONNECTION = { registry: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const satisfies Options;

export type ParsedCommandLine<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>>;

/** `parseArgs`, strict, with its complaint turned into a usage error that shows `usage`. */
export function parseCommandLine<const O extends Options>(argv: readonly string[], options: O, usage: string): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (e: unknown) {
    throw new CliError(CliErrorCode.Usage, `${e instanceof Error ? e.message : String(e)}\n\n${usage}`);
  }
}

/** The connection options of parsed values; a `--registry` that is not a URL is a usage error. */
export function connectionOf(values: { registry?: unknown; token?: unknown; json?: unknown }): Connection {
  const registry = values.registry === undefined ? undefined : String(values.registry);
  if (registry !== undefined) {
    try {
      new URL(registry);
    } catch {
      throw new CliError(CliErrorCode.Usage, `--registry ${registry} is not a URL`);
    }
  }
  return { ...(registry ? { registry } : {}), ...(typeof values.token === 'string' ? { token: values.token } : {}), json: values.json === true };
}

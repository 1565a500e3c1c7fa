import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, CliErrorCode } from '../cli-error';
import type { Connection } from '../cli-args';

export interface ResolvedConnection {
  /** With a trailing slash (a view prefix is kept: API routes work under every view). */
  registry: string;
  token: string;
}

export interface ConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Reads a file, undefined when it does not exist. */
  read?: (path: string) => Promise<string | undefined>;
}

/** `key=value` lines of an .npmrc, `${VAR}` expanded from the environment as npm does. */
export function parseNpmrc(text: string, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^".*"$/.test(value)) value = value.slice(1, -1);
    entries.set(key, value.replace(/\$\{([^}]+)\}/g, (_m, name: string) => env[name] ?? ''));
  }
  return entries;
}

/** npm's "nerf dart" of a registry URL: `//host:port/path/`. */
export function nerfDart(registry: string): string {
  const url = new URL(registry);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return `//${url.host}${path}`;
}

/** The `_authToken` npm would send to `registry`: the longest configured path prefix wins. */
export function tokenFor(registry: string, npmrc: ReadonlyMap<string, string>): string | undefined {
  for (let key = nerfDart(registry); key.length > 2; key = key.replace(/[^/]+\/$/, '')) {
    const token = npmrc.get(`${key}:_authToken`);
    if (token) return token;
  }
  return undefined;
}

const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(CliErrorCode.Config, `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
};

/**
 * The registry and token, as npm finds them: flags, then PALISADE_REGISTRY / PALISADE_TOKEN,
 * then npm's own `npm_config_registry`, then `.npmrc` in the working folder and the user's
 * (`npm_config_userconfig`, default `~/.npmrc`); the project file wins over the user's.
 */
export async function resolveConnection(connection: Connection, sources: ConfigSources): Promise<ResolvedConnection> {
  const read = sources.read ?? readIfExists;
  const { env } = sources;
  const userconfig = env.npm_config_userconfig || env.NPM_CONFIG_USERCONFIG || join(env.HOME || homedir(), '.npmrc');
  const npmrc = new Map<string, string>();
  for (const file of [userconfig, join(sources.cwd, '.npmrc')]) {
    const text = await read(file);
    if (text !== undefined) for (const [k, v] of parseNpmrc(text, env)) npmrc.set(k, v);
  }
  const registry = connection.registry || env.PALISADE_REGISTRY || env.npm_config_registry || env.NPM_CONFIG_REGISTRY || npmrc.get('registry');
  if (!registry) throw new CliError(CliErrorCode.Config, 'no registry: pass --registry <url>, set PALISADE_REGISTRY, or set registry= in .npmrc');
  try {
    new URL(registry);
  } catch {
    throw new CliError(CliErrorCode.Config, `the registry ${registry} is not a URL`);
  }
  const withSlash = registry.endsWith('/') ? registry : `${registry}/`;
  const token = connection.token || env.PALISADE_TOKEN || tokenFor(withSlash, npmrc);
  if (!token) throw new CliError(CliErrorCode.Config, `no token for ${withSlash}: pass --token, set PALISADE_TOKEN, or log in with npm login --registry ${withSlash}`);
  return { registry: withSlash, token };
}

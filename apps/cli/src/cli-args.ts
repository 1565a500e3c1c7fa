import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, CliErrorCode } from './cli-error';

export const VERIFY_USAGE = `usage: palisade verify [--registry <url>] [--lockfile <path>] [--json] [--no-require-attestations]

  Verifies every package of package-lock.json against the registry: registry signatures
  (dist.signatures, as npm audit signatures checks them), Palisade attestations (DSSE signature,
  subject, inclusion in the registry's transparency log) and the promotion attestation of the
  view the package was installed from.

  --registry <url>             registry (view) URL; default: where each package was resolved from
  --lockfile <path>            default: ./package-lock.json
  --json                       print the report as JSON
  --no-require-attestations    packages without attestations do not fail verification`;

export const ADMIN_USAGE = `usage: palisade promote <name>@<version> --to <view> [--reason <text>] [--dry-run]
       palisade approve <name>@<version> --to <view> [--comment <text>]
       palisade status <name>[@<version>]
       palisade policy show [<view>]
       palisade policy apply <file.yaml> [--dry-run] [--comment <text>]

  Promotion between views (dev → staging → prod) through the registry's promotion API.

  --registry <url>   the registry; default: PALISADE_REGISTRY, npm_config_registry, then
                     registry= of ./.npmrc and ~/.npmrc (npm_config_userconfig)
  --token <token>    default: PALISADE_TOKEN, then the .npmrc _authToken of the registry
  --json             print the registry's answer as JSON`;

export const USAGE = `${VERIFY_USAGE}\n\n${ADMIN_USAGE}`;

export interface VerifyArgs {
  command: 'verify';
  registry?: string;
  lockfile: string;
  json: boolean;
  requireAttestations: boolean;
}

/** Where the admin commands send their requests (each unset value is looked up later). */
export interface Connection {
  registry?: string;
  token?: string;
  json: boolean;
}

export type AdminArgs =
  | { command: 'promote'; spec: VersionSpec; to: string; reason: string; dryRun: boolean; connection: Connection }
  | { command: 'approve'; spec: VersionSpec; to: string; comment: string; connection: Connection }
  | { command: 'status'; name: string; version: string; connection: Connection }
  | { command: 'policy-show'; view: string; connection: Connection }
  | { command: 'policy-apply'; file: string; dryRun: boolean; comment: string; connection: Connection };

export type CliArgs = VerifyArgs | AdminArgs | { command: 'help' };

export interface VersionSpec {
  name: string;
  version: string;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const CONNECTION: Options = { registry: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

function parse(argv: readonly string[], options: Options, usage: string) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (e: unknown) {
    throw new CliError(CliErrorCode.Usage, `${e instanceof Error ? e.message : String(e)}\n\n${usage}`);
  }
}

function checkUrl(registry: unknown): string | undefined {
  if (registry === undefined) return undefined;
  const value = String(registry);
  try {
    new URL(value);
  } catch {
    throw new CliError(CliErrorCode.Usage, `--registry ${value} is not a URL`);
  }
  return value;
}

/** `<name>@<version>` (scoped or not); the version is required. */
export function parseVersionSpec(raw: string | undefined, usage: string): VersionSpec {
  const at = raw ? raw.lastIndexOf('@') : -1;
  if (!raw || at <= 0 || at === raw.length - 1) throw new CliError(CliErrorCode.Usage, `expected <name>@<version>, got ${JSON.stringify(raw ?? '')}\n\n${usage}`);
  return { name: raw.slice(0, at), version: raw.slice(at + 1) };
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  switch (command) {
    case 'verify':
      return parseVerify(rest);
    case 'promote':
    case 'approve':
    case 'status':
    case 'policy':
      return parseAdmin(command, rest);
    default:
      throw new CliError(CliErrorCode.Usage, `unknown command ${argv.join(' ')}\n\n${USAGE}`);
  }
}

function parseVerify(argv: readonly string[]): VerifyArgs | { command: 'help' } {
  const { values, positionals } = parse(
    argv,
    { registry: { type: 'string' }, lockfile: { type: 'string' }, json: { type: 'boolean' }, 'require-attestations': { type: 'boolean' }, 'no-require-attestations': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    VERIFY_USAGE,
  );
  if (values.help) return { command: 'help' };
  if (positionals.length > 0) throw new CliError(CliErrorCode.Usage, `unknown command verify ${positionals.join(' ')}\n\n${VERIFY_USAGE}`);
  const registry = checkUrl(values.registry);
  return {
    command: 'verify',
    ...(registry !== undefined ? { registry } : {}),
    lockfile: typeof values.lockfile === 'string' ? values.lockfile : 'package-lock.json',
    json: values.json === true,
    requireAttestations: values['no-require-attestations'] !== true && values['require-attestations'] !== false,
  };
}

function parseAdmin(command: 'promote' | 'approve' | 'status' | 'policy', argv: readonly string[]): AdminArgs | { command: 'help' } {
  const { values, positionals } = parse(
    argv,
    { ...CONNECTION, to: { type: 'string' }, reason: { type: 'string' }, comment: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    ADMIN_USAGE,
  );
  if (values.help) return { command: 'help' };
  const registry = checkUrl(values.registry);
  const connection: Connection = { ...(registry ? { registry } : {}), ...(typeof values.token === 'string' ? { token: values.token } : {}), json: values.json === true };
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  const refuse = (what: string): never => {
    throw new CliError(CliErrorCode.Usage, `${what}\n\n${ADMIN_USAGE}`);
  };
  const only = (allowed: readonly string[]) => {
    const extra = ['to', 'reason', 'comment', 'dry-run'].filter((o) => values[o] !== undefined && !allowed.includes(o));
    if (extra.length > 0) refuse(`${command} does not take --${extra.join(', --')}`);
  };
  switch (command) {
    case 'promote':
    case 'approve': {
      if (positionals.length !== 1) refuse(`${command} takes one <name>@<version>`);
      const spec = parseVersionSpec(positionals[0], ADMIN_USAGE);
      const to = str('to') || refuse(`${command} needs --to <view>`);
      if (command === 'promote') {
        only(['to', 'reason', 'dry-run']);
        return { command, spec, to, reason: str('reason'), dryRun: values['dry-run'] === true, connection };
      }
      only(['to', 'comment']);
      return { command, spec, to, comment: str('comment'), connection };
    }
    case 'status': {
      only([]);
      if (positionals.length !== 1) refuse('status takes one <name> or <name>@<version>');
      const target = positionals[0];
      const at = target.lastIndexOf('@');
      return at > 0 ? { command, name: target.slice(0, at), version: target.slice(at + 1), connection } : { command, name: target, version: '', connection };
    }
    case 'policy': {
      const [verb, argument, ...more] = positionals;
      if (verb === 'show') {
        only([]);
        if (more.length > 0) refuse('policy show takes at most one <view>');
        return { command: 'policy-show', view: argument ?? '', connection };
      }
      if (verb === 'apply') {
        only(['dry-run', 'comment']);
        if (!argument || more.length > 0) refuse('policy apply takes one <file.yaml>');
        return { command: 'policy-apply', file: argument as string, dryRun: values['dry-run'] === true, comment: str('comment'), connection };
      }
      return refuse(`unknown command policy ${positionals.join(' ')}`);
    }
  }
}

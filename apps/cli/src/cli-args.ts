import { parseArgs } from 'node:util';
import { CliError, CliErrorCode } from './cli-error';

export const USAGE = `usage: palisade verify [--registry <url>] [--lockfile <path>] [--json] [--no-require-attestations]

  Verifies every package of package-lock.json against the registry: registry signatures
  (dist.signatures, as npm audit signatures checks them) and Palisade attestations
  (DSSE signature, subject, inclusion in the registry's transparency log).

  --registry <url>             registry (view) URL; default: where each package was resolved from
  --lockfile <path>            default: ./package-lock.json
  --json                       print the report as JSON
  --no-require-attestations    packages without attestations do not fail verification`;

export interface VerifyArgs {
  command: 'verify';
  registry?: string;
  lockfile: string;
  json: boolean;
  requireAttestations: boolean;
}

export type CliArgs = VerifyArgs | { command: 'help' };

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e: unknown) {
    throw new CliError(CliErrorCode.Usage, `${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0 || positionals[0] === 'help') return { command: 'help' };
  if (positionals[0] !== 'verify' || positionals.length > 1) throw new CliError(CliErrorCode.Usage, `unknown command ${positionals.join(' ')}\n\n${USAGE}`);
  if (values.registry !== undefined) {
    try {
      new URL(values.registry);
    } catch {
      throw new CliError(CliErrorCode.Usage, `--registry ${values.registry} is not a URL`);
    }
  }
  return {
    command: 'verify',
    ...(values.registry !== undefined ? { registry: values.registry } : {}),
    lockfile: values.lockfile ?? 'package-lock.json',
    json: values.json ?? false,
    requireAttestations: !(values['no-require-attestations'] ?? false) && (values['require-attestations'] ?? true),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      registry: { type: 'string' },
      lockfile: { type: 'string' },
      json: { type: 'boolean' },
      'require-attestations': { type: 'boolean' },
      'no-require-attestations': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

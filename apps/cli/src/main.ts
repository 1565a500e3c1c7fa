#!/usr/bin/env node
import { resolve } from 'node:path';
import { isPalisadeError } from '@palisade/errors';
import { RegistryRefusal } from './admin/admin-client';
import { runAdminCommand } from './admin/admin-commands';
import { formatRefusal } from './admin/format';
import { parseCliArgs, USAGE } from './cli-args';
import { CliErrorCode } from './cli-error';
import { readLockfile } from './verify/lockfile';
import { formatReport } from './verify/report';
import { verifyProject } from './verify/verify-project';

const EXIT_CODE: Record<string, number> = { [CliErrorCode.Refused]: 1, [CliErrorCode.Registry]: 3 };

/**
 * Exit codes: 0 verified / done (a promotion may still be pending), 1 verification failed or the
 * registry refused (policy, permissions), 2 usage, input or configuration error, 3 registry
 * unreachable or broken.
 */
export async function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      out(USAGE);
      return 0;
    }
    if (args.command !== 'verify') {
      out(await runAdminCommand(args, { env, cwd }));
      return 0;
    }
    const lock = await readLockfile(resolve(cwd, args.lockfile));
    const report = await verifyProject(lock, { requireAttestations: args.requireAttestations, ...(args.registry ? { registry: args.registry } : {}) });
    out(args.json ? JSON.stringify(report, null, 2) : formatReport(report, args.requireAttestations));
    return report.ok ? 0 : 1;
  } catch (e: unknown) {
    if (e instanceof RegistryRefusal) {
      err(formatRefusal(e.message, e.reasons));
      return 1;
    }
    if (isPalisadeError(e)) {
      err(`palisade: ${e.message}`);
      return EXIT_CODE[e.code] ?? 2;
    }
    throw e;
  }
}

/** Runs the CLI on this process's arguments and sets its exit code. */
export function runCli(): void {
  main(process.argv.slice(2), (t) => process.stdout.write(`${t}\n`), (t) => process.stderr.write(`${t}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`palisade: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}

if (require.main === module) runCli();

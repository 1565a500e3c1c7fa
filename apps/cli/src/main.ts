#!/usr/bin/env node
import { resolve } from 'node:path';
import { isPalisadeError } from '@palisade/errors';
import { parseCliArgs, USAGE } from './cli-args';
import { CliErrorCode } from './cli-error';
import { readLockfile } from './verify/lockfile';
import { formatReport } from './verify/report';
import { verifyProject } from './verify/verify-project';

/** Exit codes: 0 verified, 1 verification failed, 2 usage or input error, 3 registry unreachable. */
export async function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      out(USAGE);
      return 0;
    }
    const lock = await readLockfile(resolve(args.lockfile));
    const report = await verifyProject(lock, { requireAttestations: args.requireAttestations, ...(args.registry ? { registry: args.registry } : {}) });
    out(args.json ? JSON.stringify(report, null, 2) : formatReport(report, args.requireAttestations));
    return report.ok ? 0 : 1;
  } catch (e: unknown) {
    if (isPalisadeError(e)) {
      err(`palisade: ${e.message}`);
      return e.code === CliErrorCode.Registry ? 3 : 2;
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

#!/usr/bin/env node
import { resolve } from 'node:path';
import { isPalisadeError } from '@palisade/errors';
import { RegistryRefusal } from './admin/admin-client';
import { runAdminCommand } from './admin/admin-commands';
import { formatRefusal } from './admin/format';
import { parseCliArgs, USAGE } from './cli-args';
import { CliErrorCode } from './cli-error';
import { runDlqCommand } from './dlq/dlq-commands';
import { runAlertsTail } from './recall/alerts-tail';
import { runRecallCommand } from './recall/recall-commands';
import { runReconcile } from './reconcile/reconcile-command';
import { readLockfile } from './verify/lockfile';
import { formatReport } from './verify/report';
import { verifyProject } from './verify/verify-project';

const EXIT_CODE: Record<string, number> = { [CliErrorCode.Refused]: 1, [CliErrorCode.Registry]: 3 };

/**
 * Exit codes: 0 verified / done (a promotion may still be pending), 1 verification failed or the
 * registry refused (policy, permissions, unknown recall), 2 usage, input or configuration error,
 * 3 registry unreachable or broken. `signal` stops `alerts tail` (Ctrl-C).
 */
export async function main(
  argv: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  signal?: AbortSignal,
): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'help':
        out(args.usage ?? USAGE);
        return 0;
      case 'verify':
        break;
      case 'alerts-tail':
        await runAlertsTail(args, { env, cwd }, { out, err, ...(signal ? { signal } : {}) });
        return 0;
      case 'recall-open':
      case 'recall-list':
      case 'recall-show':
      case 'recall-waive':
      case 'recall-false-positive':
      case 'recall-approve':
      case 'recall-close':
      case 'recall-drill':
      case 'deployment-report':
        out(await runRecallCommand(args, { env, cwd }));
        return 0;
      case 'dlq-list':
      case 'dlq-show':
      case 'dlq-redrive':
        out(await runDlqCommand(args, { env, cwd }));
        return 0;
      case 'reconcile':
        out(await runReconcile(args, { env, cwd }));
        return 0;
      default:
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

/** Runs the CLI on this process's arguments and sets its exit code; Ctrl-C stops `alerts tail` cleanly (exit 0). */
export function runCli(): void {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  // Only the tail waits on purpose; any other command keeps Node's default (Ctrl-C ends it at once).
  const tailing = process.argv[2] === 'alerts';
  if (tailing) process.once('SIGINT', onSigint);
  main(process.argv.slice(2), (t) => process.stdout.write(`${t}\n`), (t) => process.stderr.write(`${t}\n`), process.env, process.cwd(), interrupt.signal)
    .finally(() => process.off('SIGINT', onSigint))
    .then(
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

import { AdminClient } from '../admin/admin-client';
import { resolveConnection, type ConfigSources } from '../admin/registry-config';
import { CliError, CliErrorCode } from '../cli-error';
import type { ReconcileArgs } from './reconcile-args';

export interface ReconcileReportJson {
  dryRun: boolean;
  olderThanMs: number;
  lookbackMs: number;
  versionsChecked: number;
  versionsWithoutEvent: number;
  steps: Array<{ step: string; missing: number; reissued: number; failed: number }>;
  findings: Array<{ name: string; version: string; step: string; consumer: string; outcome: string; error?: string }>;
  unreachable: string[];
}

function isReport(value: unknown): value is ReconcileReportJson {
  const r = value as Partial<ReconcileReportJson> | null;
  return typeof r === 'object' && r !== null && typeof r.versionsChecked === 'number' && Array.isArray(r.steps) && Array.isArray(r.findings) && Array.isArray(r.unreachable);
}

/** Human-readable report: a line per step, then every finding grouped by step. */
export function formatReconcileReport(report: ReconcileReportJson): string {
  const verb = report.dryRun ? 'would re-issue' : 're-issued';
  const lines = [`checked ${report.versionsChecked} version(s) accepted ${Math.round(report.olderThanMs / 1000)}s to ${Math.round(report.lookbackMs / 3_600_000)}h ago${report.dryRun ? ' (dry run: nothing changed)' : ''}`];
  for (const s of report.steps) {
    const found = s.missing === 0 ? 'nothing missing' : `${s.missing} missing, ${report.dryRun ? s.missing : s.reissued} ${verb}${s.failed > 0 ? `, ${s.failed} failed` : ''}`;
    lines.push(`  ${s.step.padEnd(10)} ${found}`);
    for (const f of report.findings.filter((x) => x.step === s.step)) {
      lines.push(`    ${f.name}@${f.version}  ${f.consumer}: ${f.outcome}${f.error ? ` (${f.error})` : ''}`);
    }
  }
  if (report.versionsWithoutEvent > 0) lines.push(`  ${report.versionsWithoutEvent} version(s) not checked: their accepted event is past the outbox retention`);
  if (report.unreachable.length > 0) lines.push(`  not checked (service did not answer): ${report.unreachable.join(', ')}`);
  return lines.join('\n');
}

/** `palisade reconcile`: runs a reconciliation on the registry and prints its report. */
export async function runReconcile(args: ReconcileArgs, sources: ConfigSources): Promise<string> {
  const client = new AdminClient(await resolveConnection(args.connection, sources));
  const answer = await client.reconcile({
    ...(args.olderThanMs !== undefined ? { olderThanMs: args.olderThanMs } : {}),
    ...(args.lookbackMs !== undefined ? { lookbackMs: args.lookbackMs } : {}),
    dryRun: args.dryRun,
  });
  if (!isReport(answer)) throw new CliError(CliErrorCode.Registry, 'the registry answered something that is not a reconciliation report');
  return args.connection.json ? JSON.stringify(answer, null, 2) : formatReconcileReport(answer);
}

import type { CheckResult } from './check-result';
import type { VerifyReport } from './verify-project';

const MARK: Record<CheckResult['status'], string> = { verified: 'ok', missing: 'missing', invalid: 'INVALID' };

/** The human summary: one line per package, then counts and every problem. */
export function formatReport(report: VerifyReport, requireAttestations: boolean): string {
  const lines: string[] = [];
  const count = (pick: (p: VerifyReport['packages'][number]) => CheckResult, status: CheckResult['status']) => report.packages.filter((p) => pick(p).status === status).length;
  for (const p of report.packages) {
    lines.push(`${p.name}@${p.version}  signature: ${MARK[p.signature.status]}  attestations: ${MARK[p.attestations.status]}${p.promotion ? `  promotion: ${MARK[p.promotion.status]}` : ''}`);
  }
  lines.push('');
  lines.push(`${report.packages.length} packages verified against ${[...new Set(report.packages.map((p) => p.registry))].join(', ') || 'no registry'}`);
  lines.push(`  registry signatures: ${count((p) => p.signature, 'verified')} verified, ${count((p) => p.signature, 'missing')} missing, ${count((p) => p.signature, 'invalid')} invalid`);
  lines.push(`  attestations:        ${count((p) => p.attestations, 'verified')} verified, ${count((p) => p.attestations, 'missing')} missing, ${count((p) => p.attestations, 'invalid')} invalid${requireAttestations ? '' : ' (not required)'}`);
  const promoted = report.packages.filter((p) => p.promotion !== null);
  if (promoted.length > 0) {
    const promotion = (status: CheckResult['status']) => promoted.filter((p) => p.promotion?.status === status).length;
    lines.push(`  promotions:          ${promotion('verified')} verified, ${promotion('missing')} missing, ${promotion('invalid')} invalid${requireAttestations ? '' : ' (not required)'}`);
  }
  if (report.skipped.length > 0) lines.push(`  not from a registry (skipped): ${report.skipped.join(', ')}`);
  const problems = report.packages.flatMap((p) =>
    [p.signature, p.attestations, ...(p.promotion ? [p.promotion] : [])].filter((r) => r.status === 'invalid' || (r.status === 'missing' && (r === p.signature || requireAttestations))).map((r) => r.detail),
  );
  if (problems.length > 0) {
    lines.push('');
    lines.push(`${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const problem of problems) lines.push(`  - ${problem}`);
  }
  lines.push('');
  lines.push(report.ok ? 'verification passed' : 'verification FAILED');
  return lines.join('\n');
}

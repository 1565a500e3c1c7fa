/** Human output of the admin commands, from the JSON the registry answers. */

interface PromotionAnswer {
  name: string;
  version: string;
  view: string;
  status: string;
  policyVersion: number;
  approvals: { required: number; team: string | null; approvers: string[] };
  reasons: string[];
  dryRun: boolean;
}

interface ViewAnswer {
  view: string;
  state: string;
  reasons: string[];
  policyVersion: number | null;
  approvers: string[];
  approvalsRequired: number;
  admittedAt: string | null;
  eligibleAt: string | null;
}

interface StatusAnswer {
  name: string;
  policyVersion: number;
  versions: Array<{ version: string; source: string | null; publisher: string | null; publishedAt: string | null; verdict: string | null; signed: boolean; views: ViewAnswer[] }>;
}

interface Revision {
  version: number;
  origin: string;
  appliedBy: string;
  appliedAt: string | null;
  comment: string;
}

interface PolicyAnswer extends Revision {
  yaml: string;
  history: Revision[];
  /** Views listing upstream versions before they are judged (absent from older gateways). */
  onDemandViews?: string[];
}

interface ApplyAnswer {
  changed: boolean;
  dryRun: boolean;
  dryRunId: number | null;
  revision: Revision | null;
  changedViews: string[];
  decisions: Array<{ name: string; version: string; view: string; outcome: string; reasons: string[] }>;
}

const STATUS_TEXT: Record<string, string> = {
  admitted: 'admitted',
  'already-admitted': 'already admitted',
  'pending-approval': 'pending approval',
  pending: 'pending',
};

const bullets = (lines: readonly string[], indent = '  ') => lines.map((l) => `${indent}- ${l}`);

export function formatPromotion(a: PromotionAnswer): string {
  const head = `${a.name}@${a.version} → ${a.view}: ${a.dryRun ? 'would be ' : ''}${STATUS_TEXT[a.status] ?? a.status} (policy version ${a.policyVersion})`;
  const lines = [head];
  if (a.approvals.required > 0) {
    const who = a.approvals.approvers.length > 0 ? ` (${a.approvals.approvers.join(', ')})` : '';
    lines.push(`  approvals: ${a.approvals.approvers.length} of ${a.approvals.required} from team ${a.approvals.team ?? '?'}${who}`);
  }
  lines.push(...bullets(a.reasons));
  return lines.join('\n');
}

export function formatRefusal(message: string, reasons: readonly string[]): string {
  return [`palisade: ${message}${reasons.length > 0 ? ':' : ''}`, ...bullets(reasons)].join('\n');
}

function viewLine(v: ViewAnswer, width: number): string[] {
  const view = v.view.padEnd(width);
  switch (v.state) {
    case 'admitted': {
      const approvers = v.approvers.length > 0 ? `, approved by ${v.approvers.join(', ')}` : '';
      return [`  ${view}  admitted (policy version ${v.policyVersion ?? '?'}${approvers}${v.admittedAt ? `, ${v.admittedAt}` : ''})`];
    }
    default:
      return [`  ${view}  ${v.state.replace('-', ' ')}${v.reasons.length === 1 ? `: ${v.reasons[0]}` : ''}`, ...(v.reasons.length > 1 ? bullets(v.reasons, '      ') : [])];
  }
}

export function formatStatus(s: StatusAnswer): string {
  const lines = [`${s.name} (policy version ${s.policyVersion})`];
  for (const v of s.versions) {
    const origin = v.source === 'upstream' ? 'from upstream' : `published by ${v.publisher ?? '?'}`;
    lines.push(`${v.version}  ${origin}${v.publishedAt ? ` ${v.publishedAt}` : ''}, scan: ${v.verdict ?? 'waiting'}, ${v.signed ? 'signed' : 'not signed yet'}`);
    const width = Math.max(...v.views.map((view) => view.view.length));
    for (const view of v.views) lines.push(...viewLine(view, width));
  }
  return lines.join('\n');
}

const revisionLine = (r: Revision) => `version ${r.version}, ${r.origin}, applied by ${r.appliedBy}${r.appliedAt ? ` at ${r.appliedAt}` : ''}${r.comment ? `: ${r.comment}` : ''}`;

export function formatPolicy(p: PolicyAnswer): string {
  const onDemand = p.onDemandViews === undefined ? [] : [`# upstream versions listed before judgment, judged on demand, in: ${p.onDemandViews.join(', ') || 'no view'}`];
  return [`# promotion policy ${revisionLine(p)}`, ...onDemand, p.yaml.trimEnd(), '', '# history (newest first)', ...p.history.map((r) => `#   ${revisionLine(r)}`)].join('\n');
}

const OUTCOME_TEXT: Record<string, string> = {
  admit: 'would admit',
  refuse: 'would refuse',
  pending: 'would wait',
  dismiss: 'would dismiss',
  admitted: 'stays admitted',
  quarantined: 'held by a recall',
};

export function formatApplied(a: ApplyAnswer, file: string): string {
  if (!a.dryRun) {
    if (!a.changed) return `${file} equals the policy in force (${a.revision ? revisionLine(a.revision) : '?'}); nothing changed`;
    return [`${file} is now policy ${a.revision ? revisionLine(a.revision) : '?'}`, `  changed views: ${a.changedViews.join(', ') || 'none'}`].join('\n');
  }
  const lines = [
    `dry run ${a.dryRunId ?? '?'} of ${file} against policy version ${a.revision?.version ?? '?'} (recorded; no view changed)`,
    `  changed views: ${a.changedViews.join(', ') || 'none'}`,
  ];
  const counts = new Map<string, number>();
  for (const d of a.decisions) counts.set(d.outcome, (counts.get(d.outcome) ?? 0) + 1);
  lines.push(`  ${[...counts].map(([outcome, n]) => `${n} ${OUTCOME_TEXT[outcome] ?? outcome}`).join(', ') || 'no versions known'}`);
  for (const d of a.decisions) {
    if (d.outcome === 'admitted') continue;
    lines.push(`${d.name}@${d.version}  ${d.view}: ${OUTCOME_TEXT[d.outcome] ?? d.outcome}`, ...bullets(d.reasons, '    '));
  }
  return lines.join('\n');
}

export type { ApplyAnswer, PolicyAnswer, PromotionAnswer, StatusAnswer };

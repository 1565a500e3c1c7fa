import type { DuplicateEffect } from './effects';
import type { FaultWindow, Settled } from './fault-run';
import type { PublishAttempt, ReadTally } from './publish-load';

export interface FaultRow {
  fault: string;
  recovery: string;
  acknowledged: number;
  refused: number;
  unanswered: number;
  lost: number;
  duplicated: number;
  reads: string;
}

/** A fault that does not apply to a mode, and why: it is shown in the table, not silently left out. */
export interface NotApplicable {
  fault: string;
  why: string;
}

const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** One row per fault window (and one for the steady load between faults), from what the run recorded. */
export function faultRows(
  windows: readonly FaultWindow[],
  attempts: readonly PublishAttempt[],
  reads: ReadonlyMap<string, ReadTally>,
  settled: Settled,
  duplicates: readonly DuplicateEffect[],
): FaultRow[] {
  const faultOf = new Map(attempts.map((a) => [a.name, a.fault]));
  const row = (fault: string, recovery: string): FaultRow => {
    const mine = attempts.filter((a) => a.fault === fault);
    const tally = reads.get(fault) ?? { ok: 0, failed: 0 };
    return {
      fault,
      recovery,
      acknowledged: mine.filter((a) => a.outcome === 'acknowledged').length,
      refused: mine.filter((a) => a.outcome === 'refused').length,
      unanswered: mine.filter((a) => a.outcome === 'unanswered').length,
      lost: new Set(settled.lost.filter((l) => l.fault === fault).map((l) => l.name)).size,
      duplicated: new Set(duplicates.filter((d) => faultOf.get(d.name) === fault).map((d) => d.name)).size,
      reads: `${tally.ok}/${tally.failed}`,
    };
  };
  return [...windows.map((w) => row(w.fault, `${seconds(w.recoveryMs)} (fault ${seconds(w.faultMs)})`)), row('steady', '-')];
}

/** The table as text, for the test's output. */
export function formatTable(title: string, rows: readonly FaultRow[], notApplicable: readonly NotApplicable[]): string {
  const header = ['fault', 'recovery time', 'acknowledged', 'refused', 'unanswered', 'lost', 'duplicated', 'reads ok/failed'];
  const body = rows.map((r) => [r.fault, r.recovery, String(r.acknowledged), String(r.refused), String(r.unanswered), String(r.lost), String(r.duplicated), r.reads]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const skipped = notApplicable.map((n) => `not applicable in this mode: ${n.fault} (${n.why})`);
  return [`\n${title}`, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line), ...skipped, ''].join('\n');
}

import { Verdict } from '@palisade/contracts';

export const VERDICT_WORDS = ['clean', 'warn', 'block'] as const;
export type VerdictWord = (typeof VERDICT_WORDS)[number];

const RANK: Record<VerdictWord, number> = { clean: 0, warn: 1, block: 2 };

export function verdictWord(verdict: Verdict): VerdictWord | undefined {
  switch (verdict) {
    case Verdict.CLEAN:
      return 'clean';
    case Verdict.WARN:
      return 'warn';
    case Verdict.BLOCK:
      return 'block';
    default:
      return undefined;
  }
}

/**
 * Whether a scan turns a version worse than it was: only a rescan counts (a first scan is the
 * admission's business), only a `warn` or `block` verdict, and only when it is higher than the
 * verdict last recorded for the same bytes. Bytes never judged before count as `clean` — a
 * rescan that finds a problem in them is news.
 */
export function verdictRaised(previous: VerdictWord | undefined, current: VerdictWord, rescan: boolean): boolean {
  if (!rescan || current === 'clean') return false;
  return RANK[current] > RANK[previous ?? 'clean'];
}

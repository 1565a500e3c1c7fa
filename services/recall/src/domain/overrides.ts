import { RecallError, RecallErrorCode } from './recall-error';

export const OVERRIDE_KINDS = ['waiver', 'false-positive'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export const OVERRIDE_STATES = ['pending', 'approved', 'expired'] as const;
export type OverrideState = (typeof OVERRIDE_STATES)[number];

export const MAX_WAIVER_SECONDS = 30 * 24 * 3600;

export interface OverrideAsk {
  kind: string;
  view: string;
  durationSeconds: number;
  reason: string;
  requestedBy: string;
}

export type ValidOverride = { kind: 'waiver'; view: string; durationSeconds: number; reason: string } | { kind: 'false-positive'; reason: string };

/**
 * A request to lower protection, checked before it is stored: a waiver names one view of the
 * case and lasts at most 30 days; both kinds give a reason and say who asks. Every problem is
 * reported at once.
 */
export function validateOverride(ask: OverrideAsk, caseViews: readonly string[]): ValidOverride {
  const problems: string[] = [];
  if (!ask.requestedBy) problems.push('requested_by: the requesting principal is required');
  if (!ask.reason.trim()) problems.push('reason: required');
  if (ask.kind === 'false-positive') {
    if (problems.length) throw new RecallError(RecallErrorCode.InvalidOverride, 'the override request is incomplete', problems);
    return { kind: 'false-positive', reason: ask.reason.trim() };
  }
  if (ask.kind !== 'waiver') {
    throw new RecallError(RecallErrorCode.InvalidOverride, `unknown override kind "${ask.kind}"`, [`kind: must be one of ${OVERRIDE_KINDS.join(', ')}`, ...problems]);
  }
  if (!Number.isInteger(ask.durationSeconds) || ask.durationSeconds <= 0 || ask.durationSeconds > MAX_WAIVER_SECONDS) {
    problems.push(`duration_seconds: must be between 1 and ${MAX_WAIVER_SECONDS} (30 days)`);
  }
  if (!ask.view) problems.push('view: a waiver releases one view; name it');
  if (problems.length) throw new RecallError(RecallErrorCode.InvalidOverride, 'the waiver request is invalid', problems);
  if (!caseViews.includes(ask.view)) {
    throw new RecallError(RecallErrorCode.UnknownView, `the case does not quarantine in view "${ask.view}"`, [`view: must be one of ${caseViews.join(', ')}`]);
  }
  return { kind: 'waiver', view: ask.view, durationSeconds: ask.durationSeconds, reason: ask.reason.trim() };
}

/** Four-eyes rule: whoever asked for an override cannot approve it. */
export function checkApprover(requestedBy: string, approver: string): void {
  if (!approver) throw new RecallError(RecallErrorCode.InvalidRequest, 'the approving principal is required', ['approver: required']);
  if (approver === requestedBy) {
    throw new RecallError(RecallErrorCode.SelfApproval, `${approver} asked for this override and cannot approve it; another person must`);
  }
}

import { PromotionStatus, timestampDate, type PolicyRevision, type PromoteAccepted, type PromotionStatusReport, type Timestamp } from '@palisade/contracts';

const STATUS_WORD: Record<number, string> = {
  [PromotionStatus.ADMITTED]: 'admitted',
  [PromotionStatus.PENDING_APPROVAL]: 'pending-approval',
  [PromotionStatus.ALREADY_ADMITTED]: 'already-admitted',
  [PromotionStatus.PENDING]: 'pending',
};

const iso = (t: Timestamp | undefined): string | null => (t ? timestampDate(t).toISOString() : null);

/** The JSON answer to a promotion request or an approval. */
export function promotionJson(a: PromoteAccepted) {
  return {
    name: a.name,
    version: a.version,
    view: a.view,
    status: STATUS_WORD[a.status] ?? 'unknown',
    policyVersion: a.policyVersion,
    approvals: { required: a.approvalsRequired, team: a.approvalTeam || null, approvers: [...a.approvers] },
    reasons: [...a.reasons],
    dryRun: a.dryRun,
  };
}

export function revisionJson(r: PolicyRevision | undefined) {
  return r ? { version: r.version, digest: r.digest, origin: r.origin, appliedBy: r.appliedBy, comment: r.comment, appliedAt: iso(r.appliedAt) } : null;
}

/** Where each version of a package is, view by view. */
export function statusJson(s: PromotionStatusReport) {
  return {
    name: s.name,
    policyVersion: s.policyVersion,
    versions: s.versions.map((v) => ({
      version: v.version,
      integrity: v.integrity,
      source: v.source || null,
      publisher: v.publisher || null,
      publishedAt: iso(v.publishedAt),
      verdict: v.verdict || null,
      signed: v.signed,
      views: v.views.map((view) => ({
        view: view.view,
        state: view.state,
        reasons: [...view.reasons],
        policyVersion: view.policyVersion || null,
        approvers: [...view.approvers],
        approvalsRequired: view.approvalsRequired,
        admittedAt: iso(view.admittedAt),
        eligibleAt: iso(view.eligibleAt),
      })),
    })),
  };
}

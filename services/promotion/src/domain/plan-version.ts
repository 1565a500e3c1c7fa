import { evaluateAdmission, type AdmissionDecision } from './evaluate-admission';
import { rulesFor, type AdmissionRules, type PolicyDocument } from './policy';
import { effectiveMode, quarantineReason, type QuarantineRecord } from './quarantine';
import { blockReason, isBlocked, scanOf, type IngestedFacts, type VersionFacts } from './version-facts';

/** A version's admission to one view, as recorded. */
export interface AdmissionRecord {
  policyVersion: number;
  approvers: readonly string[];
  reasons: readonly string[];
  admittedAt: Date;
}

/** An open or closed promotion request to one view. */
export interface RequestRecord {
  requestedBy: string;
  state: 'pending' | 'admitted' | 'refused';
}

/** Everything known about one version, across views. */
export interface VersionState {
  facts: VersionFacts;
  admissions: ReadonlyMap<string, AdmissionRecord>;
  requests: ReadonlyMap<string, RequestRecord>;
  approvals: ReadonlyMap<string, readonly string[]>;
  /** Recall quarantines in force, by view (whatever their mode). */
  quarantines: ReadonlyMap<string, QuarantineRecord>;
}

export interface LoadedPolicy {
  version: number;
  digest: string;
  document: PolicyDocument;
}

export type StepAction =
  /** Stays admitted. */
  | 'keep'
  | 'admit'
  /** Leaves the view: its scan verdict is block. */
  | 'dismiss'
  /** Leaves the view: unpublished (the gateway removes it on version.unpublished itself). */
  | 'remove'
  | 'refuse'
  /** Not admitted, and a recall's block quarantine keeps it out of the view while it lasts. */
  | 'quarantined'
  | 'wait'
  /** Nothing to decide: the version is not recorded (yet), or unpublished. */
  | 'none';

export interface ViewStep {
  view: string;
  action: StepAction;
  /** The policy's answer, for views the version is not admitted to. */
  decision?: AdmissionDecision;
  /**
   * The decision is the view's to make now: the version is in the view before it, and this view
   * admits it automatically or a promotion was requested. Only active refusals are recorded.
   */
  active: boolean;
  rules?: AdmissionRules;
  admission?: AdmissionRecord;
  requestedBy?: string;
  /** Why a version leaves (dismiss, remove), why nothing is decided (none), or why it is held (quarantine). */
  reason?: string;
  /**
   * A recall's block quarantine in this view: with `quarantined` the version is not admitted;
   * with `keep` it stays admitted in the store while the gateway hides it.
   */
  quarantine?: QuarantineRecord;
}

/**
 * Decides, view by view in promotion order, what happens to a version under `policy` now: an
 * admission counts for the next view at once (so an upstream version can pass through every
 * automatic view in one go); a block verdict takes it out of every view it is in. A recall's
 * block quarantine of these very bytes in a view keeps the version out of it (and, since the view
 * does not serve it, out of the views after it) without withdrawing an admission already made.
 */
export function planVersion(state: VersionState, policy: LoadedPolicy, views: readonly string[], now: Date): ViewStep[] {
  const { facts } = state;
  const steps: ViewStep[] = [];
  let previousAdmitted = true;
  let previousHeld: string | undefined;
  views.forEach((view, index) => {
    const admission = state.admissions.get(view);
    const viewPolicy = policy.document.views[view];
    if (facts.unpublishedAt) {
      steps.push({ view, action: admission ? 'remove' : 'none', active: false, reason: 'unpublished' });
      return;
    }
    if (!facts.ingested || !viewPolicy) {
      steps.push({ view, action: 'none', active: false, reason: 'waiting for ingest to record the version' });
      previousAdmitted = false;
      return;
    }
    const ingested: IngestedFacts = facts.ingested;
    const quarantine = state.quarantines.get(view);
    const hold = quarantine && quarantine.integrity === ingested.integrity && effectiveMode(quarantine, viewPolicy.quarantine) === 'block' ? quarantine : undefined;
    const heldFor = hold ? quarantineReason(hold) : undefined;
    const fromPrevious = previousHeld;
    previousHeld = heldFor;
    if (admission) {
      const scan = scanOf(facts);
      if (isBlocked(facts) && scan) {
        steps.push({ view, action: 'dismiss', active: true, admission, reason: blockReason(scan) });
        previousAdmitted = false;
        previousHeld = undefined;
      } else {
        steps.push({ view, action: 'keep', active: false, admission, ...(hold ? { quarantine: hold, reason: heldFor } : {}) });
        previousAdmitted = !hold;
      }
      return;
    }
    const rules = rulesFor(viewPolicy, ingested.source);
    const request = state.requests.get(view);
    const requestedBy = request?.state === 'pending' ? request.requestedBy : undefined;
    if (hold && heldFor) {
      // Nothing else matters while it lasts: a request is refused with the recall, an automatic view waits for the release.
      const active = requestedBy !== undefined || (previousAdmitted && rules.admit === 'automatic');
      steps.push({ view, action: 'quarantined', decision: { outcome: 'refuse', reasons: [heldFor] }, active, rules, quarantine: hold, reason: heldFor, ...(requestedBy !== undefined ? { requestedBy } : {}) });
      previousAdmitted = false;
      return;
    }
    const decision = evaluateAdmission({
      facts: { ...facts, ingested },
      view,
      ...(index > 0 ? { previousView: views[index - 1] } : {}),
      previousAdmitted,
      ...(fromPrevious !== undefined ? { previousHeld: fromPrevious } : {}),
      rules,
      team: rules.approvals.count > 0 ? (policy.document.teams[rules.approvals.team] ?? []) : [],
      ...(requestedBy !== undefined ? { requestedBy } : {}),
      approvals: state.approvals.get(view) ?? [],
      now,
    });
    // A violated rule is final: a request learns it even before the previous view admits the version.
    const active =
      decision.outcome === 'refuse'
        ? requestedBy !== undefined || (previousAdmitted && rules.admit === 'automatic')
        : previousAdmitted && (rules.admit === 'automatic' || requestedBy !== undefined);
    const action: StepAction = decision.outcome === 'admit' ? 'admit' : decision.outcome === 'refuse' ? 'refuse' : 'wait';
    steps.push({ view, action, decision, active, rules, ...(requestedBy !== undefined ? { requestedBy } : {}) });
    previousAdmitted = decision.outcome === 'admit';
  });
  return steps;
}

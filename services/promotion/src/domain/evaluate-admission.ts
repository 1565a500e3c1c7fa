import { formatDuration } from './durations';
import { matchesAny } from './name-pattern';
import { severityRank, type AdmissionRules } from './policy';
import { scanOf, signatureOf, type IngestedFacts, type VersionFacts } from './version-facts';

/** What a pending version waits for. */
export type WaitReason = 'scan' | 'signature' | 'previous-view' | 'request' | 'age' | 'approvals';

export type AdmissionDecision =
  /** Every rule passed: `reasons` says which, for the record and the attestation. */
  | { outcome: 'admit'; reasons: string[]; approvers: string[] }
  /** A rule is violated that time cannot fix. */
  | { outcome: 'refuse'; reasons: string[] }
  | { outcome: 'pending'; reasons: string[]; waitsFor: WaitReason[]; eligibleAt?: Date; approvers: string[]; approvalsRequired: number };

export interface AdmissionInput {
  facts: VersionFacts & { ingested: IngestedFacts };
  view: string;
  /** The view before this one; undefined for the entry view. */
  previousView?: string;
  /** Admitted to the previous view (true for the entry view). */
  previousAdmitted: boolean;
  /** Why the previous view does not count: a recall quarantines the version there. */
  previousHeld?: string;
  rules: AdmissionRules;
  /** Members of the approval team. */
  team: readonly string[];
  /** A promotion to this view was requested and is open. */
  requestedBy?: string;
  /** Principals who approved a promotion to this view. */
  approvals: readonly string[];
  now: Date;
}

/**
 * One view's policy applied to one version: every violated rule is a reason to refuse; otherwise
 * every missing piece (scan, signature, previous view, request, age, approvals) is a reason to
 * wait; otherwise the version is admitted, with the rules it passed as reasons.
 */
export function evaluateAdmission(input: AdmissionInput): AdmissionDecision {
  const { facts, rules, view } = input;
  const { name, version } = facts;
  const ingested = facts.ingested;
  const violations: string[] = [];
  const passed: string[] = [];
  const waits: Array<[WaitReason, string]> = [];

  const scan = scanOf(facts);
  if (!scan) {
    waits.push(['scan', 'waiting for the scan verdict']);
  } else {
    if (!rules.verdicts.includes(scan.verdict)) {
      violations.push(`scan verdict is ${scan.verdict} (${view} admits ${rules.verdicts.join(', ')})${scan.findings.length > 0 ? `: ${scan.findings.join('; ')}` : ''}`);
    } else {
      passed.push(`scan verdict ${scan.verdict}`);
    }
    if (scan.vulnRisk > rules.maxVulnRisk) violations.push(`vulnerability risk ${scan.vulnRisk} is above ${view}'s maximum ${rules.maxVulnRisk}`);
    if (scan.malwareRisk > rules.maxMalwareRisk) violations.push(`malware risk ${scan.malwareRisk} is above ${view}'s maximum ${rules.maxMalwareRisk}`);
    if (scan.maxSeverity && severityRank(scan.maxSeverity) > severityRank(rules.maxSeverity)) {
      violations.push(`a finding of severity ${scan.maxSeverity} is above ${view}'s maximum ${rules.maxSeverity}`);
    }
  }
  if (ingested.installScripts.length > 0) {
    if (matchesAny(name, rules.installScripts)) passed.push(`install scripts allowed for ${name}`);
    else violations.push(`install scripts (${ingested.installScripts.join(', ')}) are not allowed for ${name} in ${view}`);
  }
  if (matchesAny(name, rules.requireProvenance)) {
    if (ingested.hasProvenance) passed.push('publisher provenance present');
    else violations.push(`${view} requires publisher provenance for ${name}; the version has none`);
  }
  if (rules.admit === 'never') violations.push(`${view} admits no ${ingested.source} versions`);
  if (violations.length > 0) return { outcome: 'refuse', reasons: violations };

  if (rules.requireSignature) {
    if (signatureOf(facts)) passed.push('registry-signed');
    else waits.push(['signature', 'waiting for the registry signature']);
  }
  if (input.previousView !== undefined) {
    if (input.previousAdmitted) passed.push(`admitted to ${input.previousView}`);
    else if (input.previousHeld !== undefined) waits.push(['previous-view', `${input.previousHeld} (a version enters ${view} only from ${input.previousView})`]);
    else waits.push(['previous-view', `not admitted to ${input.previousView} yet (a version enters ${view} only from ${input.previousView})`]);
  }
  if (rules.admit === 'on-request') {
    if (input.requestedBy !== undefined) passed.push(`requested by ${input.requestedBy}`);
    else waits.push(['request', `${view} admits ${ingested.source} versions on request: palisade promote ${name}@${version} --to ${view}`]);
  } else {
    passed.push(`admitted automatically (${ingested.source} versions)`);
  }
  let eligibleAt: Date | undefined;
  if (rules.minimumAgeMs > 0) {
    const at = new Date(ingested.publishedAt.getTime() + rules.minimumAgeMs);
    const age = formatDuration(rules.minimumAgeMs);
    if (input.now < at) {
      eligibleAt = at;
      waits.push(['age', `minimum age ${age} not reached: published ${ingested.publishedAt.toISOString()}, eligible at ${at.toISOString()}`]);
    } else {
      passed.push(`minimum age ${age} reached (published ${ingested.publishedAt.toISOString()})`);
    }
  }
  const required = rules.approvals.count;
  const approvers = required > 0 ? validApprovers(input.approvals, input.team, ingested.publisher) : [];
  if (required > 0) {
    if (approvers.length >= required) {
      passed.push(`approved by ${approvers.join(', ')} (${required} required from team ${rules.approvals.team})`);
    } else {
      const has = approvers.length > 0 ? ` (${approvers.join(', ')})` : '';
      const publisher = ingested.publisher ? `; the publisher ${ingested.publisher} cannot approve` : '';
      waits.push(['approvals', `needs ${required} approvals from team ${rules.approvals.team}, has ${approvers.length}${has}${publisher}`]);
    }
  }
  if (waits.length > 0) {
    return {
      outcome: 'pending',
      reasons: waits.map(([, reason]) => reason),
      waitsFor: waits.map(([kind]) => kind),
      ...(eligibleAt ? { eligibleAt } : {}),
      approvers,
      approvalsRequired: required,
    };
  }
  return { outcome: 'admit', reasons: passed, approvers };
}

/** Approvals that count: from team members, never from the publisher, each principal once. */
export function validApprovers(approvals: readonly string[], team: readonly string[], publisher: string | undefined): string[] {
  return [...new Set(approvals)].filter((principal) => team.includes(principal) && principal !== publisher).sort();
}

/** Why `principal` may not approve, or undefined when they may. */
export function approvalRefusal(principal: string, team: string, members: readonly string[], publisher: string | undefined): string | undefined {
  if (principal === publisher) return `${principal} published this version and cannot approve its promotion`;
  if (!members.includes(principal)) return `${principal} is not in team ${team}, whose approvals this promotion needs`;
  return undefined;
}

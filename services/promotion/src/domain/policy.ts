/** What a version's scan concluded; `block` is never admitted anywhere. */
export const VERDICTS = ['clean', 'warn', 'block'] as const;
export type VerdictName = (typeof VERDICTS)[number];

/** Where a version came from: `npm publish` here, or the read-through cache. */
export const SOURCES = ['published', 'upstream'] as const;
export type SourceName = (typeof SOURCES)[number];

/** `automatic`: admitted as soon as the rules pass; `on-request`: only after `palisade promote`. */
export const ADMIT_MODES = ['automatic', 'on-request', 'never'] as const;
export type AdmitMode = (typeof ADMIT_MODES)[number];

/**
 * How a view shows a version a recall quarantined: `warn` keeps it installable with a deprecation
 * warning (admission unaffected); `block` hides it and the view admits it no more while it lasts.
 */
export const QUARANTINE_MODES = ['warn', 'block'] as const;
export type QuarantineModeName = (typeof QUARANTINE_MODES)[number];

/** Finding severities, lowest first (the proto `Severity` scale). */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type SeverityName = (typeof SEVERITIES)[number];

export interface ApprovalRule {
  /** Approvals needed; 0 = none. */
  count: number;
  /** Team (of the document's `teams`) whose members may approve; empty when `count` is 0. */
  team: string;
}

/** Every rule of one view for one source of versions, all spelled out. */
export interface AdmissionRules {
  admit: AdmitMode;
  /** Scan verdicts admitted (never `block`). */
  verdicts: readonly VerdictName[];
  /** Highest vulnerability risk (0-100) admitted. */
  maxVulnRisk: number;
  /** Highest heuristic malware risk (0-100) admitted. */
  maxMalwareRisk: number;
  /** Highest severity of any finding admitted. */
  maxSeverity: SeverityName;
  /** The registry must have signed `<name>@<version>:<integrity>`. */
  requireSignature: boolean;
  /** Name patterns whose versions need publisher provenance: `[]` none, `['*']` all. */
  requireProvenance: readonly string[];
  /** Name patterns whose versions may run install scripts: `['*']` any, `[]` none. */
  installScripts: readonly string[];
  /** Minimum age since publication (cooldown), in milliseconds. */
  minimumAgeMs: number;
  approvals: ApprovalRule;
}

/** A view's rules, what differs for published or upstream versions, and how it shows recalls. */
export interface ViewPolicy {
  rules: AdmissionRules;
  overrides: Partial<Record<SourceName, Partial<AdmissionRules>>>;
  quarantine: QuarantineModeName;
}

/** The whole policy document: teams, and one policy per configured view (in view order). */
export interface PolicyDocument {
  teams: Readonly<Record<string, readonly string[]>>;
  views: Readonly<Record<string, ViewPolicy>>;
}

/** The rules that apply to versions of `source` in the view. */
export function rulesFor(policy: ViewPolicy, source: SourceName): AdmissionRules {
  return { ...policy.rules, ...(policy.overrides[source] ?? {}) };
}

/** A view's quarantine mode when its policy leaves it out: `warn` in the entry view, `block` after it. */
export function defaultQuarantine(viewIndex: number): QuarantineModeName {
  return viewIndex === 0 ? 'warn' : 'block';
}

export function severityRank(severity: SeverityName): number {
  return SEVERITIES.indexOf(severity);
}

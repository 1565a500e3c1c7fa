/** One file of a package tarball, with its archive path (`package/lib/index.js`). */
export interface PackageFile {
  path: string;
  bytes: Buffer;
}

/** Another version of the same package, used to see what a release changed. */
export interface PackageSnapshot {
  version: string;
  manifest: Record<string, unknown>;
  files?: PackageFile[];
}

export interface HeuristicsInput {
  name: string;
  version: string;
  /** package.json of this version. */
  manifest: Record<string, unknown>;
  /** Every file in the tarball. */
  files: PackageFile[];
  /** The previous version of the same package, when known. */
  previous?: PackageSnapshot;
  /** The organisation's own package names: typosquat targets. */
  internalNames?: readonly string[];
}

export const HEURISTIC_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type HeuristicSeverity = (typeof HEURISTIC_SEVERITIES)[number];

export type HeuristicCategory = 'malware' | 'install-script' | 'suspicious' | 'integrity';

export interface HeuristicEvidence {
  file: string;
  line: number;
  /** The line (or the decoded text) around the match, at most ~160 characters. */
  snippet: string;
}

export interface HeuristicFinding {
  /** Stable id, e.g. `install-script.network`, `obfuscation.eval-encoded-blob`. */
  rule: string;
  category: HeuristicCategory;
  severity: HeuristicSeverity;
  message: string;
  evidence?: HeuristicEvidence;
}

export type HeuristicVerdict = 'clean' | 'warn' | 'block';

export interface HeuristicsReport {
  findings: HeuristicFinding[];
  /** 0–100, bands as in the scanning policy: ≥90 critical · 70–89 high · 40–69 medium · 1–39 low. */
  malwareRisk: number;
  verdict: HeuristicVerdict;
}

export interface RuleDescription {
  id: string;
  description: string;
}

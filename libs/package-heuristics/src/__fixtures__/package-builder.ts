import { analyzePackage } from '../analyze-package';
import type { HeuristicFinding, HeuristicsInput, HeuristicsReport, PackageFile } from '../types';

/** A package described inline for unit tests: manifest fields plus files (package.json is derived). */
export interface PackageSpec {
  name?: string;
  version?: string;
  manifest?: Record<string, unknown>;
  files?: Record<string, string | Buffer>;
  previous?: Omit<PackageSpec, 'previous' | 'internalNames'>;
  internalNames?: string[];
}

export function buildInput(spec: PackageSpec): HeuristicsInput {
  const { manifest, files } = materialise(spec);
  const input: HeuristicsInput = { name: String(manifest.name), version: String(manifest.version), manifest, files, internalNames: spec.internalNames };
  if (spec.previous) {
    const previous = materialise({ name: spec.name, ...spec.previous });
    input.previous = { version: String(previous.manifest.version), manifest: previous.manifest, files: previous.files };
  }
  return input;
}

export function analyze(spec: PackageSpec): HeuristicsReport {
  return analyzePackage(buildInput(spec));
}

/** Findings of one rule (or of every rule whose id starts with `prefix.`). */
export function findingsOf(report: HeuristicsReport, rule: string): HeuristicFinding[] {
  return report.findings.filter((finding) => finding.rule === rule);
}

export function ruleIds(report: HeuristicsReport): string[] {
  return report.findings.map((finding) => finding.rule);
}

function materialise(spec: PackageSpec): { manifest: Record<string, unknown>; files: PackageFile[] } {
  const manifest = { name: spec.name ?? 'fixture-pkg', version: spec.version ?? '1.0.0', ...(spec.manifest ?? {}) };
  const entries: Record<string, string | Buffer> = { 'package.json': `${JSON.stringify(manifest, null, 2)}\n`, ...(spec.files ?? {}) };
  const files = Object.entries(entries).map(([path, content]) => ({ path: `package/${path}`, bytes: Buffer.isBuffer(content) ? content : Buffer.from(content) }));
  return { manifest, files };
}

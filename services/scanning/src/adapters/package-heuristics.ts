import { analyzePackage, readPackageFiles, type HeuristicFinding, type HeuristicsInput, type PackageFile } from '@palisade/package-heuristics';
import type { HeuristicOutcome, ScanFinding } from '../domain/scan-finding';

export type { HeuristicsInput, PackageFile };

/** The seam to the tarball heuristics rules (`@palisade/package-heuristics`); tests may swap it. */
export interface PackageHeuristics {
  readPackageFiles(tarball: Buffer): Promise<PackageFile[]>;
  analyze(input: HeuristicsInput): Promise<HeuristicOutcome>;
}

function asFinding(finding: HeuristicFinding): ScanFinding {
  const { rule, category, severity, message, evidence } = finding;
  return { rule, category, severity, message, ...(evidence ? { evidence: { file: evidence.file, line: evidence.line, snippet: evidence.snippet } } : {}) };
}

/** The rules of `@palisade/package-heuristics`, mapped onto the verdict's finding shape. */
export const libraryHeuristics: PackageHeuristics = {
  readPackageFiles: (tarball) => readPackageFiles(tarball),
  async analyze(input) {
    const report = analyzePackage(input);
    return { verdict: report.verdict, malwareRisk: report.malwareRisk, findings: report.findings.map(asFinding) };
  },
};

/** Injection token of the heuristics. */
export const PACKAGE_HEURISTICS = Symbol.for('palisade.scanning.package-heuristics');

export const packageHeuristicsProvider = { provide: PACKAGE_HEURISTICS, useValue: libraryHeuristics };

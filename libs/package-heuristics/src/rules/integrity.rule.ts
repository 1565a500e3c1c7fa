import type { AnalysisContext } from '../model/analysis-context';
import { INSTALL_HOOK_NAMES, packageJsonLine, stringRecord } from '../model/package-view';
import { truncate } from '../model/source-file';
import { findSquatTarget } from '../typosquat/name-similarity';
import { popularNames } from '../typosquat/popular-names';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, finding } from './rule';

const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies'] as const;

/** The published manifest against the tarball, and this version's dependencies against the previous one's. */
export const integrityRules: RuleFamily = {
  name: 'integrity',
  rules: [
    { id: 'integrity.manifest-mismatch', description: "The manifest's install scripts, dependencies or bin differ from the tarball's package.json (manifest confusion)." },
    { id: 'integrity.new-dependency', description: 'A dependency the previous version did not have (low in a patch release; medium when its name imitates a popular package).' },
  ],
  check(context) {
    return [...manifestMismatch(context), ...newDependencies(context)];
  },
};

function manifestMismatch(context: AnalysisContext): HeuristicFinding[] {
  const tarball = context.pkg.packageJson;
  if (!tarball) return [];
  const manifest = context.input.manifest;
  const differences: string[] = [];
  const manifestScripts = stringRecord(manifest.scripts);
  const tarballScripts = stringRecord(tarball.scripts);
  for (const hook of INSTALL_HOOK_NAMES) if (manifest.scripts !== undefined && manifestScripts[hook] !== tarballScripts[hook]) differences.push(`scripts.${hook}`);
  for (const field of DEPENDENCY_FIELDS) {
    if (manifest[field] === undefined) continue;
    const a = Object.keys(stringRecord(manifest[field])).sort().join(',');
    const b = Object.keys(stringRecord(tarball[field])).sort().join(',');
    if (a !== b) differences.push(field);
  }
  if (manifest.bin !== undefined && JSON.stringify(manifest.bin) !== JSON.stringify(tarball.bin)) differences.push('bin');
  if (differences.length === 0) return [];
  return [finding('integrity.manifest-mismatch', 'integrity', 'high', `the manifest and the tarball's package.json disagree on ${differences.join(', ')}`, { file: `${context.pkg.root}/package.json`, line: packageJsonLine(context.pkg, differences[0].split('.').pop() ?? 'scripts'), snippet: truncate(differences.join(', ')) })];
}

function newDependencies(context: AnalysisContext): HeuristicFinding[] {
  if (!context.previous) return [];
  const before = new Set(DEPENDENCY_FIELDS.flatMap((field) => Object.keys(stringRecord(context.previous?.manifest[field]))));
  const now = DEPENDENCY_FIELDS.flatMap((field) => Object.keys(stringRecord(context.input.manifest[field])));
  const added = now.filter((name) => !before.has(name));
  if (added.length === 0) return [];
  const popular = popularNames();
  const findings: HeuristicFinding[] = [];
  const patch = context.releaseType === 'patch' || context.releaseType === 'prerelease';
  for (const name of added.slice(0, 10)) {
    const squat = popular.known.has(name) ? undefined : findSquatTarget(name, popular.names);
    const evidence = { file: `${context.pkg.root}/package.json`, line: packageJsonLine(context.pkg, name), snippet: `"${name}"` };
    if (squat) findings.push(finding('integrity.new-dependency', 'suspicious', 'medium', `new dependency "${name}" imitates "${squat.target}" (${squat.technique})`, evidence));
    else findings.push(finding('integrity.new-dependency', 'integrity', patch ? 'low' : 'info', `new dependency "${name}"${patch ? ' in a patch release' : ''}`, evidence));
  }
  return findings;
}

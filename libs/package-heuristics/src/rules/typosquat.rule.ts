import { packageJsonLine } from '../model/package-view';
import { findSquatTarget } from '../typosquat/name-similarity';
import { popularNames } from '../typosquat/popular-names';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, finding } from './rule';

/** Names one edit, swap, separator, scope or affix away from a name people mean to install. */
export const typosquatRules: RuleFamily = {
  name: 'typosquat',
  rules: [
    { id: 'typosquat.internal-name', description: "The name imitates one of the organisation's own package names (edit, swap, separator, scope look-alike, dropped scope)." },
    { id: 'typosquat.popular-name', description: 'The name imitates a popular public package (shipped list of the most-downloaded names); an exact popular name is not a typosquat.' },
  ],
  check(context) {
    const name = context.input.name;
    const evidence = { file: `${context.pkg.root}/package.json`, line: packageJsonLine(context.pkg, 'name'), snippet: `"name": ${JSON.stringify(name)}` };
    const internal = context.input.internalNames ?? [];
    const findings: HeuristicFinding[] = [];
    const internalMatch = findSquatTarget(name, internal, { scopeDrop: true });
    if (internalMatch) {
      findings.push(finding('typosquat.internal-name', 'suspicious', 'high', `"${name}" imitates the internal package "${internalMatch.target}" (${internalMatch.technique})`, evidence));
      return findings;
    }
    if (internal.includes(name)) return findings;
    const popular = popularNames();
    if (popular.known.has(name)) return findings;
    const popularMatch = findSquatTarget(name, popular.names);
    if (popularMatch) findings.push(finding('typosquat.popular-name', 'suspicious', 'medium', `"${name}" imitates the popular package "${popularMatch.target}" (${popularMatch.technique})`, evidence));
    return findings;
  },
};

import semver from 'semver';
import type { AuditResult } from '@palisade/contracts';
import { RegistryHttpError } from '../../http/registry-errors';
import { npmAdvisoryJson } from './bulk-audit';

/** A node of npm's legacy audit body: `dependencies: { name: { version, dependencies? } }`. */
interface QuickNode {
  version?: unknown;
  dependencies?: unknown;
}

/**
 * Installed name → versions → dependency paths, from the legacy `/-/npm/v1/security/audits/quick`
 * body (a tree of `dependencies`), which npm posts when the bulk endpoint fails.
 */
export function flattenQuickBody(body: unknown): Map<string, Map<string, string[]>> {
  if (body === null || typeof body !== 'object') throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'expected an npm audit document');
  const found = new Map<string, Map<string, string[]>>();
  const walk = (dependencies: unknown, path: string[], depth: number) => {
    if (depth > 200 || dependencies === null || typeof dependencies !== 'object') return;
    for (const [name, node] of Object.entries(dependencies as Record<string, QuickNode>)) {
      if (node === null || typeof node !== 'object') continue;
      const here = [...path, name];
      if (typeof node.version === 'string') {
        const versions = found.get(name) ?? new Map<string, string[]>();
        const paths = versions.get(node.version) ?? [];
        paths.push(here.join('>'));
        versions.set(node.version, paths);
        found.set(name, versions);
      }
      walk(node.dependencies, here, depth + 1);
    }
  };
  walk((body as QuickNode).dependencies, [], 0);
  return found;
}

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;

/** The legacy quick-audit answer: advisories keyed by id with their findings, and counts. */
export function quickAuditResponse(installed: Map<string, Map<string, string[]>>, result: AuditResult) {
  const advisories: Record<string, unknown> = {};
  const counts: Record<(typeof SEVERITIES)[number], number> = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  for (const pkg of result.packages) {
    const versions = installed.get(pkg.name) ?? new Map<string, string[]>();
    for (const advisory of pkg.advisories) {
      const findings = [...versions]
        .filter(([version]) => semver.satisfies(version, advisory.vulnerableVersions, { includePrerelease: true, loose: true }))
        .map(([version, paths]) => ({ version, paths }));
      if (findings.length === 0) continue;
      advisories[String(advisory.id)] = { ...npmAdvisoryJson(advisory), module_name: pkg.name, findings };
      const severity = (SEVERITIES as readonly string[]).includes(advisory.severity) ? (advisory.severity as (typeof SEVERITIES)[number]) : 'high';
      counts[severity] += findings.reduce((n, f) => n + f.paths.length, 0);
    }
  }
  let total = 0;
  for (const versions of installed.values()) for (const paths of versions.values()) total += paths.length;
  return {
    actions: [],
    advisories,
    muted: [],
    metadata: { vulnerabilities: counts, dependencies: total, devDependencies: 0, optionalDependencies: 0, totalDependencies: total },
  };
}

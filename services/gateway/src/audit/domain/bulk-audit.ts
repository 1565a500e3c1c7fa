import type { AuditResult, NpmAdvisory } from '@palisade/contracts';
import { RegistryHttpError } from '../../http/registry-errors';

/** What npm sends to `/-/npm/v1/security/advisories/bulk`: `{ "<name>": ["<version>", …] }`. */
export function parseBulkBody(body: unknown): Array<{ name: string; versions: string[] }> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'expected a JSON object of package names to version lists');
  const problems: string[] = [];
  const packages: Array<{ name: string; versions: string[] }> = [];
  for (const [name, versions] of Object.entries(body as Record<string, unknown>)) {
    if (!Array.isArray(versions) || !versions.every((v): v is string => typeof v === 'string')) {
      problems.push(`${name}: expected an array of version strings`);
      continue;
    }
    packages.push({ name, versions: [...new Set(versions)] });
  }
  if (problems.length > 0) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', problems.slice(0, 5).join('; '));
  return packages;
}

/** One advisory in the JSON npm reads (npm/cli arborist `audit-report.js`, metavuln-calculator). */
export function npmAdvisoryJson(advisory: NpmAdvisory) {
  return {
    id: advisory.id,
    url: advisory.url,
    title: advisory.title,
    severity: advisory.severity,
    vulnerable_versions: advisory.vulnerableVersions,
    cwe: advisory.cwe,
    cvss: { score: advisory.cvssScore, vectorString: advisory.cvssVector || null },
  };
}

/** `{ "<name>": [advisory…] }`, names without advisories left out. */
export function bulkAuditResponse(result: AuditResult): Record<string, ReturnType<typeof npmAdvisoryJson>[]> {
  const out: Record<string, ReturnType<typeof npmAdvisoryJson>[]> = {};
  for (const pkg of result.packages) out[pkg.name] = pkg.advisories.map(npmAdvisoryJson);
  return out;
}

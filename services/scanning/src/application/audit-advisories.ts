import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AuditResultSchema, AuditedPackageAdvisoriesSchema } from '@palisade/contracts';
import { affectsVersion, toNpmAdvisory } from '@palisade/osv';
import type { StoredAdvisory } from '../store/advisory-store';

export type AuditResultInit = MessageInitShape<typeof AuditResultSchema>;

/**
 * npm's bulk audit: for each requested name, the advisories affecting at least one of its
 * requested versions, in npm's shape (the CLI then matches `vulnerable_versions` per installed
 * version itself). Names without a matching advisory are left out.
 */
export function auditAdvisories(requested: ReadonlyArray<{ name: string; versions: readonly string[] }>, byName: ReadonlyMap<string, readonly StoredAdvisory[]>, dbVersion: string): AuditResultInit {
  const packages: Array<MessageInitShape<typeof AuditedPackageAdvisoriesSchema>> = [];
  for (const { name, versions } of requested) {
    const hits = (byName.get(name) ?? []).filter((a) => versions.some((v) => affectsVersion(a.record, name, v)));
    if (hits.length === 0) continue;
    packages.push({
      name,
      advisories: hits
        .sort((a, b) => a.npmId - b.npmId)
        .map((a) => {
          const npm = toNpmAdvisory(a.record, name, a.npmId);
          return {
            id: npm.id,
            url: npm.url,
            title: npm.title,
            severity: npm.severity,
            vulnerableVersions: npm.vulnerable_versions,
            cwe: npm.cwe,
            cvssScore: npm.cvss.score,
            cvssVector: npm.cvss.vectorString ?? '',
            advisoryId: a.id,
          };
        }),
    });
  }
  return { packages, advisoryDbVersion: dbVersion };
}

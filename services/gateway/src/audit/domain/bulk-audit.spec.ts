import { create } from '@bufbuild/protobuf';
import { AuditResultSchema } from '@palisade/contracts';
import { RegistryHttpError } from '../../http/registry-errors';
import { bulkAuditResponse, parseBulkBody } from './bulk-audit';
import { flattenQuickBody, quickAuditResponse } from './quick-audit';

const result = create(AuditResultSchema, {
  advisoryDbVersion: 'r1',
  packages: [
    {
      name: 'semver',
      advisories: [{ id: 7, url: 'https://example.test/a', title: 'ReDoS', severity: 'moderate', vulnerableVersions: '<5.7.2', cwe: ['CWE-1333'], cvssScore: 5.3, cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L', advisoryId: 'GHSA-x' }],
    },
    { name: 'debug', advisories: [{ id: 9, url: 'https://example.test/m', title: 'Malicious code', severity: 'critical', vulnerableVersions: '=4.4.2', cwe: ['CWE-506'], cvssScore: 0, cvssVector: '', advisoryId: 'MAL-1' }] },
  ],
});

describe("npm's audit bodies", () => {
  it('reads the bulk body and refuses anything else, listing the problems', () => {
    expect(parseBulkBody({ semver: ['5.7.1', '5.7.1', '7.0.0'] })).toEqual([{ name: 'semver', versions: ['5.7.1', '7.0.0'] }]);
    expect(() => parseBulkBody([])).toThrow(RegistryHttpError);
    expect(() => parseBulkBody({ semver: '5.7.1' })).toThrow(/semver: expected an array/);
  });

  it("answers bulk in npm's shape, with a null vector when there is no CVSS", () => {
    expect(bulkAuditResponse(result)).toEqual({
      semver: [{ id: 7, url: 'https://example.test/a', title: 'ReDoS', severity: 'moderate', vulnerable_versions: '<5.7.2', cwe: ['CWE-1333'], cvss: { score: 5.3, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' } }],
      debug: [{ id: 9, url: 'https://example.test/m', title: 'Malicious code', severity: 'critical', vulnerable_versions: '=4.4.2', cwe: ['CWE-506'], cvss: { score: 0, vectorString: null } }],
    });
  });

  it('flattens the legacy quick-audit tree and reports findings with their paths and counts', () => {
    const installed = flattenQuickBody({
      name: 'app',
      dependencies: { semver: { version: '5.7.1' }, tool: { version: '1.0.0', dependencies: { semver: { version: '7.6.0' }, debug: { version: '4.4.2' } } } },
    });
    expect([...installed.get('semver')!]).toEqual([
      ['5.7.1', ['semver']],
      ['7.6.0', ['tool>semver']],
    ]);
    const answer = quickAuditResponse(installed, result);
    expect(answer.advisories['7']).toMatchObject({ module_name: 'semver', findings: [{ version: '5.7.1', paths: ['semver'] }] });
    expect(answer.advisories['9']).toMatchObject({ module_name: 'debug', findings: [{ version: '4.4.2', paths: ['tool>debug'] }] });
    expect(answer.metadata.vulnerabilities).toEqual({ info: 0, low: 0, moderate: 1, high: 0, critical: 1 });
    expect(answer.metadata.totalDependencies).toBe(4);
  });
});

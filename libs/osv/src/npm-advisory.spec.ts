import semver from 'semver';
import { fixtureRecord } from './__fixtures__/records';
import { affectsVersion } from './affected-versions';
import { toNpmAdvisory, vulnerableVersions } from './npm-advisory';

describe("npm's bulk-audit advisory shape", () => {
  it('converts a GHSA record', () => {
    expect(toNpmAdvisory(fixtureRecord('GHSA-jf85-cpcp-j695'), 'lodash', 17)).toEqual({
      id: 17,
      url: 'https://nvd.nist.gov/vuln/detail/CVE-2019-10744',
      title: 'Prototype Pollution in lodash',
      severity: 'critical',
      vulnerable_versions: '<4.17.12',
      cwe: ['CWE-20'],
      cvss: { score: 9.1, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H' },
    });
  });

  it('joins ranges, prerelease ranges, open ranges and explicit versions', () => {
    expect(toNpmAdvisory(fixtureRecord('GHSA-c2qf-rxjj-qqgw'), 'semver', 1).vulnerable_versions).toBe('>=7.0.0 <7.5.2 || >=6.0.0 <6.3.1 || <5.7.2');
    expect(toNpmAdvisory(fixtureRecord('GHSA-c2qf-rxjj-qqgw'), 'semver', 1).severity).toBe('moderate');
    expect(toNpmAdvisory(fixtureRecord('GHSA-67hx-6x53-jw92'), '@babel/traverse', 1).vulnerable_versions).toBe('<7.23.2 || >=8.0.0-alpha.0 <8.0.0-alpha.4');
    expect(toNpmAdvisory(fixtureRecord('GHSA-67hx-6x53-jw92'), 'babel-traverse', 1).vulnerable_versions).toBe('*');
    expect(toNpmAdvisory(fixtureRecord('DERIVED-last-affected-GHSA-2p57-rm9w-gvfp'), 'ip', 1).vulnerable_versions).toBe('<=2.0.1');
    const mal = toNpmAdvisory(fixtureRecord('MAL-2025-46974'), 'debug', 2);
    expect(mal).toMatchObject({ severity: 'critical', vulnerable_versions: '=4.4.2', cwe: ['CWE-506'], url: 'https://github.com/advisories/GHSA-8mgj-vmr8-frr6' });
    expect(mal.cvss).toEqual({ score: 0, vectorString: null });
  });

  it('the range npm reads agrees with OSV matching (npm matches with includePrerelease)', () => {
    const cases: Array<[string, string, string[]]> = [
      ['GHSA-c2qf-rxjj-qqgw', 'semver', ['5.0.0', '5.7.2', '6.2.0', '6.3.1', '7.5.1', '7.5.2', '7.5.2-rc.0']],
      ['GHSA-67hx-6x53-jw92', '@babel/traverse', ['7.0.0', '7.23.2', '7.23.2-rc.1', '8.0.0-alpha.3', '8.0.0-alpha.4', '8.0.0']],
      ['DERIVED-last-affected-GHSA-2p57-rm9w-gvfp', 'ip', ['2.0.1', '2.0.2']],
    ];
    for (const [id, name, versions] of cases) {
      const record = fixtureRecord(id);
      const range = toNpmAdvisory(record, name, 1).vulnerable_versions;
      for (const v of versions) expect({ id, v, npm: semver.satisfies(v, range, { includePrerelease: true, loose: true }) }).toEqual({ id, v, npm: affectsVersion(record, name, v) });
    }
  });

  it('is * without ranges', () => {
    expect(vulnerableVersions([])).toBe('*');
  });
});

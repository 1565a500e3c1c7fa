import { fixtureRecord } from './__fixtures__/records';
import { advisoryImpact, riskBand, vulnRisk } from './risk';

describe('risk', () => {
  it('takes CVSS v3 from the vector, the GHSA label when there is none', () => {
    expect(advisoryImpact(fixtureRecord('GHSA-jf85-cpcp-j695'))).toMatchObject({ score: 9.1, source: 'CVSS_V3' });
    expect(advisoryImpact(fixtureRecord('GHSA-2p57-rm9w-gvfp'))).toMatchObject({ score: 7.5, source: 'GHSA_LABEL' });
    expect(advisoryImpact(fixtureRecord('MAL-2025-46974'))).toMatchObject({ score: 10 });
  });

  it('prefers CVSS v4 over v3', () => {
    const record = {
      ...fixtureRecord('GHSA-jf85-cpcp-j695'),
      severity: [
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
      ],
    };
    expect(advisoryImpact(record)).toMatchObject({ score: 8.5, source: 'CVSS_V4', v3: { score: 9.8 } });
  });

  it('weighs likelihood: EPSS lowers, KEV keeps the full impact, unknown counts as likely', () => {
    expect(vulnRisk(9.8)).toBe(98);
    expect(vulnRisk(9.8, { kev: true })).toBe(98);
    expect(vulnRisk(9.8, { epss: 0 })).toBe(34);
    expect(vulnRisk(9.8, { epss: 0.25 })).toBe(66);
    expect(vulnRisk(9.8, { epss: 0.01, kev: true })).toBe(98);
    expect(vulnRisk(5.3, { epss: 0.01 })).toBe(22);
  });

  it('bands the risk', () => {
    expect([0, 1, 39, 40, 69, 70, 89, 90, 100].map(riskBand)).toEqual(['none', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });
});

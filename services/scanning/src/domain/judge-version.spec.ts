import type { OsvRecord } from '@palisade/osv';
import { dedupeByAliases, judgeVersion, type KnownAdvisory } from './judge-version';

function advisory(id: string, vector: string, extra: Partial<OsvRecord> = {}, aliases: string[] = []): KnownAdvisory {
  return {
    id,
    aliases,
    malicious: id.startsWith('MAL-'),
    record: {
      id,
      modified: '2026-01-01T00:00:00Z',
      aliases,
      summary: `${id} summary`,
      severity: vector ? [{ type: 'CVSS_V3', score: vector }] : [],
      affected: [{ package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
      ...extra,
    },
  };
}

const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'; // 7.5
const MEDIUM = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L'; // 5.3
const LOW = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N'; // 3.1

const judge = (advisories: KnownAdvisory[], options: { newPublish?: boolean; epss?: number; version?: string } = {}) =>
  judgeVersion({
    name: 'pkg',
    version: options.version ?? '1.0.0',
    advisories,
    likelihood: () => (options.epss === undefined ? {} : { epss: options.epss }),
    blocksAtHighRisk: () => options.newPublish ?? false,
  });

describe('verdict policy', () => {
  it('bands advisory risk into verdicts', () => {
    expect(judge([advisory('GHSA-c', CRITICAL)])).toMatchObject({ verdict: 'block', vulnRisk: 98, blockKind: 'vulnerability', criticalAdvisoryIds: ['GHSA-c'] });
    expect(judge([advisory('GHSA-h', HIGH)]).verdict).toBe('warn');
    expect(judge([advisory('GHSA-h', HIGH)], { newPublish: true }).verdict).toBe('block');
    expect(judge([advisory('GHSA-m', MEDIUM)]).verdict).toBe('warn');
    expect(judge([advisory('GHSA-l', LOW)])).toMatchObject({ verdict: 'clean', vulnRisk: 31, advisoryIds: ['GHSA-l'] });
    expect(judge([advisory('GHSA-c', CRITICAL)], { version: '2.0.0' })).toMatchObject({ verdict: 'clean', findings: [] });
  });

  it('lets EPSS lower the risk of a never-exploited critical bug', () => {
    expect(judge([advisory('GHSA-c', CRITICAL)], { epss: 0.001 })).toMatchObject({ verdict: 'clean', vulnRisk: 36 });
  });

  it('blocks MAL records as malware whatever else matched', () => {
    expect(judge([advisory('GHSA-l', LOW), advisory('MAL-2026-1', '')])).toMatchObject({ verdict: 'block', blockKind: 'malware', malwareRisk: 100 });
  });

  it('takes the worst of advisories and heuristics', () => {
    const result = judgeVersion({
      name: 'pkg',
      version: '1.0.0',
      advisories: [advisory('GHSA-m', MEDIUM)],
      heuristics: { verdict: 'block', malwareRisk: 95, findings: [{ rule: 'install-script.exfiltration', category: 'malware', severity: 'critical', message: 'posts tokens out' }] },
      likelihood: () => ({}),
      blocksAtHighRisk: () => false,
    });
    expect(result).toMatchObject({ verdict: 'block', blockKind: 'malware', malwareRisk: 95, vulnRisk: 53 });
    expect(result.findings.map((f) => f.rule)).toEqual(['osv.vulnerability', 'install-script.exfiltration']);
  });

  it('counts an advisory published under several ids once', () => {
    const ghsa = advisory('GHSA-a', MEDIUM, {}, ['CVE-2026-1']);
    const cve = advisory('CVE-2026-1', MEDIUM, {}, ['GHSA-a']);
    expect(dedupeByAliases([cve, ghsa]).map((a) => a.id)).toEqual(['GHSA-a']);
    expect(judge([cve, ghsa]).findings).toHaveLength(1);
  });
});

import { malwareRiskOf, sortFindings, verdictOf } from './scoring';
import type { HeuristicFinding } from './types';

const f = (category: HeuristicFinding['category'], severity: HeuristicFinding['severity'], rule = 'x.y'): HeuristicFinding => ({ rule, category, severity, message: '' });

describe('scoring', () => {
  it('blocks only on high-confidence malware', () => {
    expect(verdictOf([f('malware', 'high')])).toBe('block');
    expect(verdictOf([f('malware', 'medium')])).toBe('warn');
    expect(verdictOf([f('suspicious', 'high'), f('install-script', 'high')])).toBe('warn');
    expect(verdictOf([f('install-script', 'low'), f('integrity', 'info')])).toBe('clean');
    expect(verdictOf([])).toBe('clean');
  });

  it('keeps the risk inside the verdict band and lets corroboration raise it', () => {
    expect(malwareRiskOf([], 'clean')).toBe(0);
    expect(malwareRiskOf([f('install-script', 'low')], 'clean')).toBe(15);
    expect(malwareRiskOf([f('suspicious', 'high'), f('suspicious', 'high'), f('suspicious', 'medium')], 'warn')).toBe(69);
    const single = malwareRiskOf([f('malware', 'critical')], 'block');
    const corroborated = malwareRiskOf([f('malware', 'critical'), f('suspicious', 'medium'), f('install-script', 'medium')], 'block');
    expect(single).toBe(95);
    expect(corroborated).toBe(100);
    expect(malwareRiskOf([f('malware', 'high')], 'block')).toBeGreaterThanOrEqual(70);
  });

  it('orders findings by severity, malware first, then rule id', () => {
    const sorted = sortFindings([f('suspicious', 'low', 'b'), f('suspicious', 'high', 'z'), f('malware', 'high', 'y'), f('suspicious', 'low', 'a')]);
    expect(sorted.map((x) => x.rule)).toEqual(['y', 'z', 'a', 'b']);
  });
});

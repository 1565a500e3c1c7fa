import { QuarantineMode, timestampFromDate } from '@palisade/contracts';
import { servedMode, servedReason, toReceivedQuarantine } from './quarantine';

describe('quarantine as served', () => {
  it('names the case after the reason, unless the reason names it already', () => {
    expect(servedReason('account takeover; use 1.0.0', 'rc-1')).toBe('account takeover; use 1.0.0 (recall rc-1)');
    expect(servedReason('recall rc-1: account takeover', 'rc-1')).toBe('recall rc-1: account takeover');
    expect(servedReason('  ', 'rc-1')).toBe('recalled (recall rc-1)');
    expect(servedReason('manual', '')).toBe('manual');
  });

  it('shortens a long reason but keeps the case id whole', () => {
    const reason = servedReason('x'.repeat(1_000), 'rc-long');
    expect(reason).toHaveLength(400);
    expect(reason.endsWith('… (recall rc-long)')).toBe(true);
  });

  it('serves an unspecified mode as block', () => {
    expect(servedMode(QuarantineMode.WARN)).toBe('warn');
    expect(servedMode(QuarantineMode.BLOCK)).toBe('block');
    expect(servedMode(QuarantineMode.UNSPECIFIED)).toBe('block');
  });

  it('needs name, version and view; integrity and case may be empty', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    const base = { $typeName: 'palisade.v1.VersionQuarantined', name: 'a', version: '1.0.0', integrity: '', view: 'prod', mode: QuarantineMode.WARN, reason: 'r', recallId: '', quarantinedAt: timestampFromDate(at) } as const;
    expect(toReceivedQuarantine(base)).toEqual({ view: 'prod', name: 'a', version: '1.0.0', integrity: '', recallId: '', mode: 'warn', reason: 'r', at });
    expect(() => toReceivedQuarantine({ ...base, view: '' })).toThrow('version.quarantined needs name, version and view');
  });
});

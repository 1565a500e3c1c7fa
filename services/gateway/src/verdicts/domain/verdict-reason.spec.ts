import { create } from '@bufbuild/protobuf';
import { FindingCategory, Severity, Verdict, VersionScannedSchema } from '@palisade/contracts';
import { servedVerdict, verdictReason } from './verdict-reason';

describe('what clients are told about a verdict', () => {
  it('leads with the strongest findings', () => {
    const event = create(VersionScannedSchema, {
      verdict: Verdict.WARN,
      findings: [
        { rule: 'install-script.present', category: FindingCategory.INSTALL_SCRIPT, severity: Severity.LOW, message: 'has a postinstall' },
        { rule: 'osv.vulnerability', category: FindingCategory.VULNERABILITY, severity: Severity.MEDIUM, message: 'GHSA-x: ReDoS; fixed in 1.0.1' },
      ],
    });
    expect(servedVerdict(event)).toBe('warn');
    expect(verdictReason(event)).toBe('Palisade scan: warn: [medium] GHSA-x: ReDoS; fixed in 1.0.1; [low] has a postinstall');
  });

  it('stays short and treats an unspecified verdict as clean', () => {
    const event = create(VersionScannedSchema, { verdict: Verdict.UNSPECIFIED, findings: Array.from({ length: 5 }, (_, i) => ({ rule: `r${i}`, severity: Severity.HIGH, message: 'x'.repeat(200) })) });
    expect(servedVerdict(event)).toBe('clean');
    expect(verdictReason(event).length).toBeLessThanOrEqual(400);
  });
});

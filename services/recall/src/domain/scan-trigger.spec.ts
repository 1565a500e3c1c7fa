import { Severity } from '@palisade/contracts';
import { checkApprover, validateOverride } from './overrides';
import { RecallError } from './recall-error';
import { scanCaseOpening, scanCaseReason, type RaisedScan } from './scan-trigger';

const scan = (overrides: Partial<RaisedScan>): RaisedScan => ({
  name: 'lodash',
  version: '4.17.11',
  integrity: 'sha512-x',
  verdict: 'block',
  findings: [],
  previousAdvisoryIds: [],
  ...overrides,
});

describe('what a raised rescan opens', () => {
  it('opens an advisory case about the most severe advisory, at the highest finding severity', () => {
    const opening = scanCaseOpening(
      scan({
        findings: [
          { rule: 'osv.match', severity: Severity.MEDIUM, message: 'ReDoS', advisoryId: 'GHSA-b' },
          { rule: 'osv.match', severity: Severity.CRITICAL, message: 'prototype pollution', advisoryId: 'GHSA-a' },
        ],
      }),
    );
    expect(opening).toMatchObject({ trigger: 'advisory', advisoryId: 'GHSA-a', severity: Severity.CRITICAL, advisoryIds: ['GHSA-a', 'GHSA-b'] });
    expect(opening.evidence).toMatchObject({ integrity: 'sha512-x', verdict: 'block', advisoryIds: ['GHSA-a', 'GHSA-b'] });
  });

  it('prefers the advisory the previous scan did not match (the news)', () => {
    const opening = scanCaseOpening(
      scan({
        previousAdvisoryIds: ['GHSA-old'],
        findings: [
          { rule: 'osv.match', severity: Severity.CRITICAL, message: 'old', advisoryId: 'GHSA-old' },
          { rule: 'osv.match', severity: Severity.HIGH, message: 'new', advisoryId: 'GHSA-new' },
        ],
      }),
    );
    expect(opening.advisoryId).toBe('GHSA-new');
    expect(opening.severity).toBe(Severity.CRITICAL);
  });

  it('opens a rescan case without an advisory, at least HIGH for a block verdict', () => {
    const opening = scanCaseOpening(scan({ findings: [{ rule: 'malware.obfuscation', severity: Severity.LOW, message: 'packed code', advisoryId: '' }] }));
    expect(opening).toMatchObject({ trigger: 'rescan', advisoryId: '', severity: Severity.HIGH });
    expect(scanCaseOpening(scan({ verdict: 'warn', findings: [] })).severity).toBe(Severity.MEDIUM);
    expect(scanCaseOpening(scan({ verdict: 'warn', findings: [{ rule: 'r', severity: Severity.LOW, message: '', advisoryId: '' }] })).severity).toBe(Severity.LOW);
  });

  it('words the reason from the advisory summary, else from the finding', () => {
    const raised = scan({ findings: [{ rule: 'osv.match', severity: Severity.HIGH, message: 'prototype pollution', advisoryId: 'GHSA-a' }] });
    const opening = scanCaseOpening(raised);
    expect(scanCaseReason(opening, raised, 'Prototype Pollution in lodash')).toBe('GHSA-a: Prototype Pollution in lodash');
    expect(scanCaseReason(opening, raised)).toBe('GHSA-a: prototype pollution');
    const malware = scan({ findings: [{ rule: 'malware.exfiltration-env', severity: Severity.CRITICAL, message: 'sends process.env', advisoryId: '' }] });
    expect(scanCaseReason(scanCaseOpening(malware), malware)).toBe('rescan verdict block: malware.exfiltration-env sends process.env');
  });
});

describe('override requests', () => {
  const ask = { kind: 'waiver', view: 'prod', durationSeconds: 3600, reason: 'hotfix needs it', requestedBy: 'alice' };
  const codeOf = (run: () => unknown) => {
    try {
      run();
    } catch (e: unknown) {
      if (e instanceof RecallError) return e.code;
      throw e;
    }
    return 'accepted';
  };

  it('accepts a waiver of one view of the case for at most 30 days, and a false positive with a reason', () => {
    expect(validateOverride(ask, ['dev', 'prod'])).toEqual({ kind: 'waiver', view: 'prod', durationSeconds: 3600, reason: 'hotfix needs it' });
    expect(validateOverride({ ...ask, kind: 'false-positive', view: '', durationSeconds: 0 }, ['dev'])).toEqual({ kind: 'false-positive', reason: 'hotfix needs it' });
  });

  it('refuses a waiver too long, without a view or reason, of another view, and unknown kinds', () => {
    expect(codeOf(() => validateOverride({ ...ask, durationSeconds: 30 * 86400 + 1 }, ['prod']))).toBe('RECALL_INVALID_OVERRIDE');
    expect(codeOf(() => validateOverride({ ...ask, durationSeconds: 0 }, ['prod']))).toBe('RECALL_INVALID_OVERRIDE');
    expect(codeOf(() => validateOverride({ ...ask, reason: ' ' }, ['prod']))).toBe('RECALL_INVALID_OVERRIDE');
    expect(codeOf(() => validateOverride({ ...ask, view: 'qa' }, ['dev', 'prod']))).toBe('RECALL_UNKNOWN_VIEW');
    expect(codeOf(() => validateOverride({ ...ask, kind: 'forever' }, ['prod']))).toBe('RECALL_INVALID_OVERRIDE');
  });

  it('needs a second person to approve', () => {
    expect(codeOf(() => checkApprover('alice', 'alice'))).toBe('RECALL_SELF_APPROVAL');
    expect(codeOf(() => checkApprover('alice', ''))).toBe('RECALL_INVALID_REQUEST');
    expect(codeOf(() => checkApprover('alice', 'bob'))).toBe('accepted');
  });
});

import { evaluateAdmission, type AdmissionInput } from './evaluate-admission';
import { DEFAULT_RULES } from './parse-policy';
import type { AdmissionRules } from './policy';
import { installScriptsOf, type VersionFacts } from './version-facts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const HOUR = 3_600_000;

function input(overrides: { rules?: Partial<AdmissionRules>; facts?: Partial<VersionFacts>; input?: Partial<AdmissionInput> } = {}): AdmissionInput {
  const facts = {
    name: '@acme/app',
    version: '1.0.0',
    ingested: { integrity: 'sha512-a', source: 'published' as const, publisher: 'alice', publishedAt: new Date(NOW.getTime() - HOUR), installScripts: [], hasProvenance: false },
    scan: { integrity: 'sha512-a', verdict: 'clean' as const, vulnRisk: 10, malwareRisk: 0, findings: [], scannedAt: NOW },
    signature: { integrity: 'sha512-a', signedAt: NOW },
    ...overrides.facts,
  };
  return {
    facts: facts as AdmissionInput['facts'],
    view: 'prod',
    previousView: 'staging',
    previousAdmitted: true,
    rules: { ...DEFAULT_RULES, ...overrides.rules },
    team: ['bob', 'carol', 'alice'],
    requestedBy: 'alice',
    approvals: [],
    now: NOW,
    ...overrides.input,
  };
}

describe('evaluateAdmission', () => {
  it('admits when every rule passes, saying which', () => {
    expect(evaluateAdmission(input())).toEqual({ outcome: 'admit', reasons: ['scan verdict clean', 'registry-signed', 'admitted to staging', 'requested by alice'], approvers: [] });
  });

  it('refuses every violated rule at once', () => {
    const decision = evaluateAdmission(
      input({
        rules: { maxVulnRisk: 5, maxSeverity: 'low', installScripts: [], requireProvenance: ['@acme/*'] },
        facts: {
          scan: { integrity: 'sha512-a', verdict: 'warn', vulnRisk: 50, malwareRisk: 0, maxSeverity: 'high', findings: ['osv.match (high) GHSA-x'], scannedAt: NOW },
          ingested: { integrity: 'sha512-a', source: 'published', publishedAt: NOW, installScripts: ['postinstall'], hasProvenance: false },
        },
      }),
    );
    expect(decision).toEqual({
      outcome: 'refuse',
      reasons: [
        'scan verdict is warn (prod admits clean): osv.match (high) GHSA-x',
        "vulnerability risk 50 is above prod's maximum 5",
        "a finding of severity high is above prod's maximum low",
        'install scripts (postinstall) are not allowed for @acme/app in prod',
        'prod requires publisher provenance for @acme/app; the version has none',
      ],
    });
  });

  it('waits for the scan, the signature, the previous view, a request, the minimum age and approvals', () => {
    const decision = evaluateAdmission(
      input({
        rules: { minimumAgeMs: 72 * HOUR, approvals: { count: 2, team: 'release' } },
        facts: { scan: undefined, signature: undefined },
        input: { previousAdmitted: false, approvals: ['alice', 'bob', 'mallory'], requestedBy: undefined },
      }),
    );
    expect(decision).toMatchObject({
      outcome: 'pending',
      waitsFor: ['scan', 'signature', 'previous-view', 'request', 'age', 'approvals'],
      eligibleAt: new Date(NOW.getTime() + 71 * HOUR),
      approvers: ['bob'],
      approvalsRequired: 2,
    });
    expect(decision.reasons.at(-1)).toBe('needs 2 approvals from team release, has 1 (bob); the publisher alice cannot approve');
  });

  it('counts approvals from team members other than the publisher', () => {
    const decision = evaluateAdmission(input({ rules: { approvals: { count: 2, team: 'release' } }, input: { approvals: ['carol', 'bob', 'bob'] } }));
    expect(decision).toMatchObject({ outcome: 'admit', approvers: ['bob', 'carol'] });
    expect(decision.reasons).toContain('approved by bob, carol (2 required from team release)');
  });

  it('does not require a signature when the policy does not', () => {
    expect(evaluateAdmission(input({ rules: { requireSignature: false }, facts: { signature: undefined } })).outcome).toBe('admit');
  });
});

describe('installScriptsOf', () => {
  it('finds install hooks and node-gyp builds, not other scripts', () => {
    expect(installScriptsOf(JSON.stringify({ scripts: { postinstall: 'node x', test: 'jest', prepare: 'tsc' } }))).toEqual(['postinstall']);
    expect(installScriptsOf(JSON.stringify({ gypfile: true }))).toEqual(['install (node-gyp)']);
    expect(installScriptsOf('not json')).toEqual([]);
  });
});

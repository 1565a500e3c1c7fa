import { defaultPolicyYaml } from './default-policy';
import { parsePolicy } from './parse-policy';
import { planVersion, type AdmissionRecord, type LoadedPolicy, type VersionState } from './plan-version';
import type { QuarantineRecord } from './quarantine';

const VIEWS = ['dev', 'staging', 'prod'];
const NOW = new Date('2026-06-01T12:00:00.000Z');
const policy: LoadedPolicy = { version: 1, digest: 'd', document: parsePolicy(defaultPolicyYaml(VIEWS), VIEWS) };

const admitted: AdmissionRecord = { policyVersion: 1, approvers: [], reasons: ['scan verdict clean'], admittedAt: NOW };

function state(options: { admissions?: Record<string, AdmissionRecord>; quarantines?: Array<Partial<QuarantineRecord> & { view: string }>; requests?: Record<string, string> } = {}): VersionState {
  return {
    facts: {
      name: 'up',
      version: '1.0.0',
      // Upstream and old: the built-in policy admits it to every view by itself.
      ingested: { integrity: 'sha512-a', source: 'upstream', publishedAt: new Date(NOW.getTime() - 100 * 3_600_000), installScripts: [], hasProvenance: false },
      scan: { integrity: 'sha512-a', verdict: 'clean', vulnRisk: 0, malwareRisk: 0, findings: [], scannedAt: NOW },
      signature: { integrity: 'sha512-a', signedAt: NOW },
    },
    admissions: new Map(Object.entries(options.admissions ?? {})),
    requests: new Map(Object.entries(options.requests ?? {}).map(([view, by]) => [view, { requestedBy: by, state: 'pending' as const }])),
    approvals: new Map(),
    quarantines: new Map(
      (options.quarantines ?? []).map((q) => [q.view, { integrity: 'sha512-a', recallId: 'rc-1', reason: 'bad', quarantinedAt: NOW, ...q }]),
    ),
  };
}

const actions = (s: VersionState) => planVersion(s, policy, VIEWS, NOW).map((step) => step.action);

describe('planVersion with recall quarantines', () => {
  it('admits everywhere without one', () => {
    expect(actions(state())).toEqual(['admit', 'admit', 'admit']);
  });

  it('holds a version out of a view that blocks it, and out of the views after it', () => {
    const steps = planVersion(state({ quarantines: [{ view: 'staging' }] }), policy, VIEWS, NOW);
    expect(steps.map((s) => s.action)).toEqual(['admit', 'quarantined', 'wait']);
    expect(steps[1]).toMatchObject({ active: true, reason: 'quarantined in staging by recall rc-1: bad', decision: { outcome: 'refuse', reasons: ['quarantined in staging by recall rc-1: bad'] } });
    expect(steps[2].decision?.reasons).toContain('quarantined in staging by recall rc-1: bad (a version enters prod only from staging)');
  });

  it('follows the view policy when the event names no mode, and the event when it does', () => {
    // dev warns by policy; an explicit block blocks it, an explicit warn in staging does not.
    expect(actions(state({ quarantines: [{ view: 'dev' }] }))).toEqual(['admit', 'admit', 'admit']);
    expect(actions(state({ quarantines: [{ view: 'dev', mode: 'block' }] }))).toEqual(['quarantined', 'wait', 'wait']);
    expect(actions(state({ quarantines: [{ view: 'staging', mode: 'warn' }] }))).toEqual(['admit', 'admit', 'admit']);
  });

  it('ignores a quarantine of other bytes', () => {
    expect(actions(state({ quarantines: [{ view: 'staging', integrity: 'sha512-other' }] }))).toEqual(['admit', 'admit', 'admit']);
  });

  it('keeps an earlier admission (never dismisses for a quarantine) and marks it', () => {
    const steps = planVersion(state({ admissions: { dev: admitted, staging: admitted }, quarantines: [{ view: 'staging' }] }), policy, VIEWS, NOW);
    expect(steps.map((s) => s.action)).toEqual(['keep', 'keep', 'wait']);
    expect(steps[1].quarantine?.recallId).toBe('rc-1');
  });
});

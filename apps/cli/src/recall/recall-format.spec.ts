import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseJson, drillCase, openCase } from '../__fixtures__/recall-cases';
import { alertPageOf } from './alerts-tail';
import { deploymentBody } from './recall-commands';
import {
  deploymentAnswerOf,
  formatAlertLine,
  formatChange,
  formatDeployment,
  formatDrill,
  formatMs,
  formatRecall,
  formatRecallList,
  recallCaseOf,
  recallCasesOf,
} from './recall-format';

describe('recall output', () => {
  it('reads a case from its protobuf JSON and refuses anything else', () => {
    const parsed = recallCaseOf({ ...(caseJson(openCase()) as object), addedLater: true });
    expect(parsed.recallId).toBe('rc-7f3a');
    expect(parsed.exposures[1].suggestion?.direct).toBe(false);
    expect(() => recallCaseOf({ recallId: 7 })).toThrow(/not a recall case/);
    expect(recallCasesOf({ recalls: [caseJson(openCase())] }).map((c) => c.recallId)).toEqual(['rc-7f3a']);
    expect(recallCasesOf({})).toEqual([]);
  });

  it('shows a whole case: header, affected, enforcement per view, timeline, blast radius with suggestions, overrides, times', () => {
    const text = formatRecall(
      openCase({ overrides: [{ id: 'ov-1', kind: 'waiver', view: 'prod', reason: 'hotfix window', requestedBy: 'alice', state: 'pending' }] }),
    );
    expect(text.split('\n').slice(0, 4)).toEqual([
      'recall rc-7f3a: contained, severity critical, advisory GHSA-aaaa-bbbb-cccc',
      '  reason: Prototype pollution in @rc/lib 1.0.1',
      '  opened 2026-12-06T10:00:00.000Z by service:recall, contained 2026-12-06T10:00:01.250Z',
      '  views: every view',
    ]);
    expect(text).toContain('affected\n  @rc/lib@1.0.1\n');
    expect(text).toContain(
      [
        'enforcement per view',
        '  @rc/lib@1.0.1  dev   warn   enforced  2026-12-06T10:00:01.000Z',
        '  @rc/lib@1.0.1  prod  block  enforced  2026-12-06T10:00:01.250Z',
        '',
        'timeline',
        '  2026-12-06T10:00:00.000Z  opened    service:recall         advisory GHSA-aaaa-bbbb-cccc',
        '  2026-12-06T10:00:01.250Z  enforced  service:gateway  prod  block',
      ].join('\n'),
    );
    expect(text).toContain('rollback per view\n  prod  @rc/lib@1.0.1  →  npm install @rc/lib@1.0.0');
    expect(text).toContain('blast radius (2 exposures)');
    expect(text).toContain('  download    ci-deployer (token tok-9) fetched @rc/lib@1.0.1 from prod 3×, last 2026-12-06T09:00:00.000Z, npm/11.1.0\n      → npm install @rc/lib@1.0.0');
    expect(text).toContain('  deployment  checkout-api (production) dep-1 runs @rc/lib@1.0.1 from prod\n      → "overrides": {"@rc/lib": "1.0.0"} (transitive)');
    expect(text).toContain('  ov-1  waiver of prod, requested by alice: pending: another person must approve it\n      reason: hotfix window');
    expect(text.endsWith('time to detect: 4.2 s; time to contain: 1.3 s')).toBe(true);
  });

  it('says when nothing is known yet', () => {
    const text = formatRecall(openCase({ exposures: [], suggestions: [], enforcements: [], timeToContainMs: -1, containedAt: undefined, views: ['prod'] }));
    expect(text).toContain('  views: prod');
    expect(text).toContain('enforcement per view\n  none yet');
    expect(text).toContain('blast radius (0 exposures)\n  no downloads or reported deployments of the affected versions');
    expect(text).toContain('time to contain: not contained yet');
    const noSafe = formatRecall(openCase({ exposures: [{ kind: 'download', identity: 'bob', view: 'dev', name: 'x', version: '1.0.0', suggestion: { name: 'x', fromVersion: '1.0.0', view: 'dev' } }] }));
    expect(noSafe).toContain('      → no safe version of x is admitted in dev');
  });

  it('lists cases one per line', () => {
    expect(formatRecallList([openCase(), drillCase()]).split('\n')).toEqual([
      'rc-7f3a     contained       critical  advisory  @rc/lib@1.0.1  2026-12-06T10:00:00.000Z  Prototype pollution in @rc/lib 1.0.1',
      'rc-drill-1  closed (drill)  high      manual    @rc/lib@1.0.0  2026-12-06T11:00:00.000Z  quarterly drill',
    ]);
    expect(formatRecallList([])).toBe('no recalls');
  });

  it('prints each drill step with its duration and says no view changed', () => {
    expect(formatDrill(drillCase()).split('\n')).toEqual([
      'drill rc-drill-1 for @rc/lib@1.0.0 (closed): no view changed',
      '  1.  match versions    1.4 ms   1 version',
      '  2.  plan quarantines  2.8 ms   dev warn, staging block, prod block (not applied)',
      '  3.  blast radius      30.1 ms  2 downloads, 1 deployment',
      '  total 34.3 ms; time to detect: 0 ms; time to contain: 38 ms',
      '',
      'No view changed: a drill records its case and alerts (marked drill) and quarantines nothing.',
    ]);
  });

  it('shows a change with the overrides', () => {
    const text = formatChange('override ov-1 (waiver of prod) approved', openCase({ overrides: [{ id: 'ov-1', kind: 'waiver', view: 'prod', requestedBy: 'alice', state: 'approved', approvedBy: 'bob' }] }));
    expect(text.split('\n')[0]).toBe('override ov-1 (waiver of prod) approved');
    expect(text).toContain('  ov-1  waiver of prod, requested by alice: approved by bob');
  });

  it('formats durations, deployments and alert lines', () => {
    expect([formatMs(850), formatMs(4_240), formatMs(185_000), formatMs(7_620_000)]).toEqual(['850 ms', '4.2 s', '3m 05s', '2h 07m']);
    const answer = deploymentAnswerOf({ deploymentId: 'dep-2', packages: 12, affectedBy: ['rc-1'] });
    expect(formatDeployment(answer, 'checkout-api', 'production')).toBe(
      'deployment dep-2 of checkout-api (production): 12 packages recorded\n  affected by open recall rc-1: see palisade recall show <id>',
    );
    expect(formatDeployment({ deploymentId: 'dep-3', packages: 1, affectedBy: [] }, 's', 'e')).toBe('deployment dep-3 of s (e): 1 package recorded\n  no open recall affects it');
    expect(() => deploymentAnswerOf({ packages: 1 })).toThrow(/without a deploymentId/);
    expect(formatAlertLine({ time: '2026-12-06T10:00:00Z', subject: 'alerts.recall.high.opened', data: { summary: 'recall rc-1 opened' } }, 'x')).toBe(
      '2026-12-06T10:00:00Z alerts.recall.high.opened recall rc-1 opened',
    );
  });
});

describe('alert pages', () => {
  it('orders alerts, accepts seq as numbers or strings and events as JSON or text, and moves the cursor', () => {
    const page = alertPageOf(
      {
        alerts: [
          { seq: '12', subject: 'alerts.recall.high.enforced', event: JSON.stringify({ subject: 'alerts.recall.high.enforced' }) },
          { seq: 11, subject: 'alerts.recall.high.opened', event: { subject: 'alerts.recall.high.opened' } },
        ],
        lastSeq: '15',
      },
      10n,
    );
    expect(page.alerts.map((a) => a.seq)).toEqual([11n, 12n]);
    expect(page.alerts[1].event?.subject).toBe('alerts.recall.high.enforced');
    expect(page.lastSeq).toBe(15n);
    // No lastSeq: the highest seen; nothing at all: where it was.
    expect(alertPageOf({ alerts: [{ seq: 3, subject: 's', event: {} }] }, 0n).lastSeq).toBe(3n);
    expect(alertPageOf({ alerts: [] }, 7n).lastSeq).toBe(7n);
    expect(alertPageOf({ alerts: [{ seq: '4', subject: 's', event: null }] }, 0n).alerts).toEqual([{ seq: 4n, subject: 's' }]);
    expect(() => alertPageOf({ alerts: [{ subject: 's', event: {} }] }, 0n)).toThrow(/without a seq/);
    expect(() => alertPageOf({ alerts: [{ seq: 1, subject: 's', event: [1] }] }, 0n)).toThrow(/not a CloudEvent/);
  });
});

describe('deployment bodies', () => {
  it('sends a CycloneDX JSON SBOM as sbom and anything else as lockfile text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-cli-deploy-'));
    const sbom = { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' }] };
    await writeFile(join(dir, 'bom.json'), JSON.stringify(sbom));
    await writeFile(join(dir, 'package-lock.json'), '{ "lockfileVersion": 3, "packages": {} }');
    await writeFile(join(dir, 'yarn.lock'), '# yarn lockfile v1\n');
    expect(await deploymentBody(join(dir, 'bom.json'))).toEqual({ filename: 'bom.json', sbom });
    expect(await deploymentBody(join(dir, 'package-lock.json'))).toEqual({ filename: 'package-lock.json', lockfile: '{ "lockfileVersion": 3, "packages": {} }' });
    expect(await deploymentBody(join(dir, 'yarn.lock'))).toEqual({ filename: 'yarn.lock', lockfile: '# yarn lockfile v1\n' });
    await expect(deploymentBody(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/);
  });
});

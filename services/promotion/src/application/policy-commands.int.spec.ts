import { Commands, QuarantineMode, type PolicyApplyReply } from '@palisade/contracts';
import { runCleanups, waitFor } from '@palisade/testing';
import { PromotionHarness } from '../__fixtures__/promotion-harness';

const FILE_POLICY = `
teams:
  release: [bob]
views:
  dev: { admit: automatic, verdicts: [clean, warn] }
  staging: { admit: on-request, verdicts: [clean, warn] }
  prod: { admit: on-request, verdicts: [clean], approvals: { count: 1, team: release } }
`;

const AUTOMATIC_STAGING = FILE_POLICY.replace('staging: { admit: on-request', 'staging: { admit: automatic');

function applied(reply: PolicyApplyReply) {
  if (reply.outcome.case !== 'applied') throw new Error(`expected the policy to apply, got ${JSON.stringify(reply.outcome.value)}`);
  return reply.outcome.value;
}

describe('versioned policies', () => {
  let h: PromotionHarness;
  const apply = (yaml: string, dryRun: boolean, principal = 'admin') =>
    h.command(Commands.promotionPolicyApply, { yaml, dryRun, requestedBy: { principal, tokenId: 't' }, comment: dryRun ? 'try' : 'open staging' });
  const show = async (view = '') => {
    const reply = await h.command(Commands.promotionPolicyShow, { view });
    if (reply.outcome.case !== 'found') throw new Error('no policy');
    return reply.outcome.value;
  };

  beforeAll(async () => {
    h = await PromotionHarness.start('promotion-policy', { policy: FILE_POLICY });
    await h.passed('waiting', '1.0.0');
    await waitFor(async () => (await h.admittedViews('waiting', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
  });

  afterAll(async () => {
    await h?.stop();
    await runCleanups();
  });

  it('loads the policy file at start as version 1 and shows it normalised', async () => {
    const policy = await show();
    expect(policy.revision).toMatchObject({ version: 1, origin: 'file', appliedBy: 'service:promotion' });
    expect(policy.views).toEqual(['dev', 'staging', 'prod']);
    expect(policy.yaml).toContain('prod:\n    admit: on-request\n    verdicts: [clean]\n    maxVulnRisk: 100');
    expect(policy.yaml).toContain('approvals: {count: 1, team: release}');
    // The file names no quarantine: dev warns about recalled versions, staging and prod block them.
    expect(policy.yaml).toContain('dev:\n    admit: automatic');
    expect(policy.yaml.match(/quarantine: \w+/g)).toEqual(['quarantine: warn', 'quarantine: block', 'quarantine: block']);
    expect(policy.quarantine.map((q) => [q.view, q.mode])).toEqual([
      ['dev', QuarantineMode.WARN],
      ['staging', QuarantineMode.BLOCK],
      ['prod', QuarantineMode.BLOCK],
    ]);
    const staging = await show('staging');
    expect(staging.yaml).toContain('staging:');
    expect(staging.yaml).not.toContain('prod:');
  });

  it('refuses an invalid policy and names every problem', async () => {
    const reply = await apply('views:\n  dev: { admit: sometimes, verdicts: [block] }\n  qa: {}\n', false);
    expect(reply.outcome.case).toBe('rejected');
    if (reply.outcome.case !== 'rejected') return;
    expect(reply.outcome.value.code).toBe('PROMOTION_POLICY_INVALID');
    expect(reply.outcome.value.problems).toEqual([
      'views.qa: not a configured view (PALISADE_VIEWS: dev, staging, prod)',
      'views.dev.admit: must be one of automatic, on-request, never',
      'views.dev.verdicts: block verdicts are never admitted',
      'views.staging: missing; every view needs a policy',
      'views.prod: missing; every view needs a policy',
    ]);
  });

  it('dry-runs a change: reports and records what it would admit, admits nothing', async () => {
    const result = applied(await apply(AUTOMATIC_STAGING, true));
    expect(result).toMatchObject({ dryRun: true, changed: true, changedViews: ['staging'] });
    expect(result.revision?.version).toBe(1);
    expect(result.decisions).toContainEqual(expect.objectContaining({ name: 'waiting', version: '1.0.0', view: 'staging', outcome: 'admit' }));
    expect(result.decisions).toContainEqual(expect.objectContaining({ name: 'waiting', view: 'dev', outcome: 'admitted' }));
    // Decided as if staging had admitted it: prod then waits for a request and an approval.
    expect(result.decisions.find((d) => d.name === 'waiting' && d.view === 'prod')).toMatchObject({
      outcome: 'pending',
      reasons: ['prod admits published versions on request: palisade promote waiting@1.0.0 --to prod', 'needs 1 approvals from team release, has 0; the publisher alice cannot approve'],
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await h.admittedViews('waiting', '1.0.0')).toEqual(['dev']);
    const runs: Array<{ id: string; based_on_version: number; requested_by: string; summary: Record<string, number> }> = await h.service.dataSource.query(
      'SELECT id, based_on_version, requested_by, summary FROM palisade_promotion.policy_dry_run',
    );
    expect(runs).toEqual([{ id: String(result.dryRunId), based_on_version: 1, requested_by: 'admin', summary: expect.objectContaining({ admit: 1, admitted: 1 }) }]);
    expect((await show()).revision?.version).toBe(1);
  });

  it('applies a change as a new version that takes effect at once, and keeps who applied it', async () => {
    const result = applied(await apply(AUTOMATIC_STAGING, false, 'root'));
    expect(result).toMatchObject({ dryRun: false, changed: true, changedViews: ['staging'] });
    expect(result.revision).toMatchObject({ version: 2, origin: 'api', appliedBy: 'root', comment: 'open staging' });
    await waitFor(async () => (await h.admittedViews('waiting', '1.0.0')).includes('staging'), { message: 'admitted to staging under version 2' });
    expect(h.promoted.find((p) => p.name === 'waiting' && p.view === 'staging')?.policyVersion).toBe(2);
    const history = (await show()).history.map((r) => [r.version, r.origin, r.appliedBy]);
    expect(history).toEqual([
      [2, 'api', 'root'],
      [1, 'file', 'service:promotion'],
    ]);
    // The same document again changes nothing.
    expect(applied(await apply(AUTOMATIC_STAGING, false))).toMatchObject({ changed: false, revision: expect.objectContaining({ version: 2 }) });
  });

  it('keeps an applied policy across a restart, and stores a changed policy file as the next version', async () => {
    await h.restart();
    expect((await show()).revision?.version).toBe(2);
    await h.restart(FILE_POLICY.replace('release: [bob]', 'release: [bob, carol]'));
    const policy = await show();
    expect(policy.revision).toMatchObject({ version: 3, origin: 'file' });
    expect(policy.yaml).toContain('release: [bob, carol]');
  });
});

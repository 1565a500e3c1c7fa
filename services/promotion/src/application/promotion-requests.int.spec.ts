import { PromotionStatus, type PromoteReply } from '@palisade/contracts';
import { runCleanups, waitFor } from '@palisade/testing';
import { PromotionHarness } from '../__fixtures__/promotion-harness';

const POLICY = `
teams:
  release: [bob, carol, alice]
views:
  dev:
    admit: automatic
    verdicts: [clean, warn]
  staging:
    admit: on-request
    verdicts: [clean, warn]
  prod:
    admit: on-request
    verdicts: [clean]
    approvals: { count: 2, team: release }
`;

function accepted(reply: PromoteReply) {
  if (reply.outcome.case !== 'accepted') throw new Error(`expected acceptance, got ${JSON.stringify(reply.outcome.value)}`);
  return reply.outcome.value;
}

function rejected(reply: PromoteReply) {
  if (reply.outcome.case !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(reply.outcome.value)}`);
  return reply.outcome.value;
}

describe('promotion requests and approvals', () => {
  let h: PromotionHarness;

  beforeAll(async () => {
    h = await PromotionHarness.start('promotion-requests', { policy: POLICY });
    await h.passed('@acme/app', '1.0.0', { publisher: 'alice' });
    await waitFor(async () => (await h.admittedViews('@acme/app', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
  });

  afterAll(async () => {
    await h?.stop();
    await runCleanups();
  });

  it('keeps prod closed until the version is in staging', async () => {
    const pending = accepted(await h.promote('@acme/app', '1.0.0', 'prod', 'dave'));
    expect(pending.status).toBe(PromotionStatus.PENDING);
    expect(pending.reasons).toContain('not admitted to staging yet (a version enters prod only from staging)');
  });

  it('admits to staging on request with no approvals', async () => {
    const reply = accepted(await h.promote('@acme/app', '1.0.0', 'staging', 'alice'));
    expect(reply).toMatchObject({ status: PromotionStatus.ADMITTED, view: 'staging', policyVersion: 1 });
    expect(reply.reasons).toContain('requested by alice');
    expect(accepted(await h.promote('@acme/app', '1.0.0', 'staging', 'alice')).status).toBe(PromotionStatus.ALREADY_ADMITTED);
  });

  it('needs two approvals from the team for prod, never the publisher, and admits after the second', async () => {
    // dave's earlier request is still open; alice, the publisher, cannot approve.
    const afterRequest = accepted(await h.promote('@acme/app', '1.0.0', 'prod', 'alice'));
    expect(afterRequest.status).toBe(PromotionStatus.PENDING_APPROVAL);
    expect(afterRequest).toMatchObject({ approvalsRequired: 2, approvers: [], approvalTeam: 'release' });
    expect(afterRequest.reasons).toEqual(['needs 2 approvals from team release, has 0; the publisher alice cannot approve']);

    const byPublisher = rejected(await h.approve('@acme/app', '1.0.0', 'prod', 'alice'));
    expect(byPublisher.code).toBe('PROMOTION_APPROVER_NOT_ALLOWED');
    expect(byPublisher.message).toBe('alice published this version and cannot approve its promotion');
    const byOutsider = rejected(await h.approve('@acme/app', '1.0.0', 'prod', 'mallory'));
    expect(byOutsider.message).toBe('mallory is not in team release, whose approvals this promotion needs');

    const afterOne = accepted(await h.approve('@acme/app', '1.0.0', 'prod', 'bob'));
    expect(afterOne).toMatchObject({ status: PromotionStatus.PENDING_APPROVAL, approvers: ['bob'], approvalsRequired: 2 });
    expect(await h.admittedViews('@acme/app', '1.0.0')).toEqual(['dev', 'staging']);
    // The same approver twice is still one approval.
    expect(accepted(await h.approve('@acme/app', '1.0.0', 'prod', 'bob')).approvers).toEqual(['bob']);

    const afterTwo = accepted(await h.approve('@acme/app', '1.0.0', 'prod', 'carol'));
    expect(afterTwo).toMatchObject({ status: PromotionStatus.ADMITTED, approvers: ['bob', 'carol'] });
    expect(await h.admittedViews('@acme/app', '1.0.0')).toEqual(['dev', 'staging', 'prod']);
    await waitFor(() => h.promotedTo('@acme/app', '1.0.0').length === 3, { message: 'promoted to prod' });
    const prod = h.promoted.find((p) => p.name === '@acme/app' && p.view === 'prod');
    expect(prod).toMatchObject({ fromView: 'staging', approvers: ['bob', 'carol'], policyVersion: 1, requestedBy: { principal: 'dave' } });
    expect(prod?.decision).toContain('approved by bob, carol (2 required from team release)');
  });

  it('reports a dry run without admitting', async () => {
    await h.passed('dry', '1.0.0', { publisher: 'alice' });
    await waitFor(async () => (await h.admittedViews('dry', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
    const reply = accepted(await h.promote('dry', '1.0.0', 'staging', 'alice', true));
    expect(reply).toMatchObject({ status: PromotionStatus.ADMITTED, dryRun: true });
    expect(await h.admittedViews('dry', '1.0.0')).toEqual(['dev']);
  });

  it('refuses a blocked version with the reason, and records the refusal', async () => {
    await h.passed('blocked', '1.0.0', { publisher: 'alice' });
    await waitFor(async () => (await h.admittedViews('blocked', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
    await h.scanned('blocked', '1.0.0', 'block', { rescan: true });
    await waitFor(async () => (await h.admittedViews('blocked', '1.0.0')).length === 0, { message: 'dismissed' });
    const refusal = rejected(await h.promote('blocked', '1.0.0', 'staging', 'alice'));
    expect(refusal.code).toBe('PROMOTION_POLICY_VIOLATION');
    expect(refusal.message).toBe('blocked@1.0.0 cannot be promoted to staging under policy version 1');
    expect(refusal.problems).toEqual(['scan verdict is block (staging admits clean, warn): malware.exfiltration-env (critical) sends process.env to a remote host']);
    const rows: Array<{ view: string; outcome: string; trigger: string }> = await h.service.dataSource.query(
      `SELECT view, outcome, trigger FROM palisade_promotion.decision WHERE name = 'blocked' AND outcome <> 'pending' ORDER BY id`,
    );
    expect(rows.slice(0, 2)).toEqual([
      { view: 'dev', outcome: 'admitted', trigger: 'event' },
      { view: 'dev', outcome: 'dismissed', trigger: 'event' },
    ]);
    expect(rows).toContainEqual({ view: 'staging', outcome: 'refused', trigger: 'request' });
  });

  it('answers unknown views and versions with a rejection', async () => {
    expect(rejected(await h.promote('@acme/app', '1.0.0', 'qa', 'alice')).code).toBe('PROMOTION_UNKNOWN_VIEW');
    expect(rejected(await h.promote('@acme/app', '9.9.9', 'staging', 'alice')).code).toBe('PROMOTION_UNKNOWN_VERSION');
  });
});

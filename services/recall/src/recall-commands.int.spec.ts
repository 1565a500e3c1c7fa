import { Commands, QuarantineMode, RecallResolution, RecallTrigger, Severity, type OpenRecallReply, type RecallChangeReply } from '@palisade/contracts';
import { runCleanups, waitFor } from '@palisade/testing';
import { RecallHarness } from './__fixtures__/recall-harness';

const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));

function accepted(reply: OpenRecallReply) {
  if (reply.outcome.case !== 'accepted') throw new Error(`expected the recall to open, got ${JSON.stringify(reply.outcome.value)}`);
  return reply.outcome.value;
}

function changed(reply: RecallChangeReply) {
  if (reply.outcome.case !== 'changed') throw new Error(`expected a change, got ${JSON.stringify(reply.outcome.value)}`);
  return reply.outcome.value;
}

const rejectionOf = (reply: { outcome: { case: string | undefined; value?: unknown } }) =>
  reply.outcome.case === 'rejected' ? (reply.outcome.value as { code: string; problems: string[]; retryable: boolean }) : undefined;

const alice = { principal: 'alice', tokenId: 'tok-alice' };
const bob = { principal: 'bob', tokenId: 'tok-bob' };

describe('recall commands: manual recalls, overrides, drills, blast radius', () => {
  let h: RecallHarness;
  const open = (request: Partial<Parameters<RecallHarness['command']>[1]> & { name: string }) =>
    h.command(Commands.recallOpen, { reason: 'leaked npm token', severity: Severity.HIGH, requestedBy: alice, ...request });

  beforeAll(async () => {
    h = await RecallHarness.start('recall-commands');
    for (const version of ['1.0.0', '1.1.0', '1.2.0-beta.1', '1.2.0', '1.3.0', '2.0.0']) await h.available('@acme/widget', version);
    await h.available('@acme/gadget', '3.0.0');
    await h.available('@acme/gadget', '3.0.1');
  });

  afterAll(async () => {
    await h?.stop();
    await runCleanups();
  });

  it('refuses what it cannot recall, with stable codes', async () => {
    expect(rejectionOf(await open({ name: '@acme/widget', versionRange: '>>nope' }))?.code).toBe('RECALL_INVALID_RANGE');
    expect(rejectionOf(await open({ name: '@acme/widget', versions: ['9.9.9'] }))).toMatchObject({ code: 'RECALL_NO_MATCHING_VERSION', problems: ['versions: 9.9.9 is not a recorded version'] });
    expect(rejectionOf(await open({ name: '@acme/widget', versionRange: '>=5' }))?.code).toBe('RECALL_NO_MATCHING_VERSION');
    expect(rejectionOf(await open({ name: '@acme/widget', versions: ['1.0.0'], severity: Severity.UNSPECIFIED, reason: '' }))).toMatchObject({
      code: 'RECALL_INVALID_REQUEST',
      problems: ['reason: required (clients print it)', 'severity: required (info, low, medium, high or critical)'],
    });
    expect(rejectionOf(await open({ name: '@acme/widget', versions: ['1.0.0'], views: ['qa'] }))?.code).toBe('RECALL_UNKNOWN_VIEW');
    expect(rejectionOf(await h.command(Commands.recallShow, { recallId: 'RC-AAAAAAAA' }))?.code).toBe('RECALL_NOT_FOUND');
    await h.stopPolicy();
    expect(rejectionOf(await open({ name: '@acme/widget', versions: ['1.0.0'] }))).toMatchObject({ code: 'RECALL_POLICY_UNAVAILABLE', retryable: true });
    await h.servePolicy({
      views: ['dev', 'staging', 'prod'],
      quarantine: [
        { view: 'dev', mode: QuarantineMode.WARN },
        { view: 'staging', mode: QuarantineMode.WARN },
        { view: 'prod', mode: QuarantineMode.BLOCK },
      ],
    });
    expect(await h.caseIds()).toEqual([]);
  });

  it('opens a manual recall for a range (prereleases included) and exact versions, in the views asked', async () => {
    const result = accepted(await open({ name: '@acme/widget', versionRange: '>=1.1.0 <1.3.0', versions: ['1.0.0'], views: ['staging', 'prod'] }));
    expect(result.affected.map((a) => a.version)).toEqual(['1.0.0', '1.1.0', '1.2.0-beta.1', '1.2.0']);
    expect(result.recall).toMatchObject({ trigger: RecallTrigger.MANUAL, status: 'open', views: ['staging', 'prod'], openedBy: 'alice', severity: Severity.HIGH });
    expect(result.recall?.steps.map((s) => s.step)).toEqual(['resolve-versions', 'read-policies', 'plan-quarantines', 'publish']);
    expect(result.recall?.timeToDetectMs).toBeGreaterThan(0);
    await waitFor(() => h.quarantinesOf(result.recallId).length === 8, { message: 'eight quarantines' });
    const staging = h.quarantinesOf(result.recallId).filter((q) => q.view === 'staging');
    expect(staging.every((q) => q.mode === QuarantineMode.WARN)).toBe(true);
    // Everyone on 1.x is pointed at 1.3.0, the only safe 1.x left; the prerelease is not offered to 1.0.0.
    expect(staging.find((q) => q.version === '1.0.0')?.reason).toBe(`Palisade recall ${result.recallId} (high): leaked npm token. Use @acme/widget@1.3.0 instead.`);
    expect(result.recall?.suggestions).toContainEqual(
      expect.objectContaining({ fromVersion: '1.2.0-beta.1', toVersion: '1.3.0', view: 'prod', command: 'npm install @acme/widget@1.3.0', direct: true }),
    );
  });

  it('reports deployments and shows who is exposed, downloads and deployments, each with its rollback', async () => {
    const [id] = await h.caseIds();
    const report = await h.command(Commands.recallReportDeployment, {
      service: 'checkout-api',
      environment: 'production',
      view: 'prod',
      format: 'npm-v3',
      reportedBy: { principal: 'ci:checkout', tokenId: 'tok-ci' },
      reference: 'run-42',
      packages: [
        { name: '@acme/widget', version: '1.2.0', direct: false, integrity: '' },
        { name: '@acme/widget', version: '1.2.0', direct: false, integrity: '' },
        { name: 'react', version: '19.0.0', direct: true, integrity: '' },
      ],
    });
    expect(report.outcome.case).toBe('recorded');
    if (report.outcome.case !== 'recorded') return;
    expect(report.outcome.value).toMatchObject({ packages: 2, affectedBy: [id] });
    expect(report.outcome.value.deploymentId).toMatch(/^DP-/);
    expect(rejectionOf(await h.command(Commands.recallReportDeployment, { service: '', environment: 'prod', view: 'prod', packages: [] }))?.code).toBe('RECALL_INVALID_DEPLOYMENT');

    await h.publish(
      (await import('@palisade/contracts')).Events.downloadRecorded,
      {
        downloads: [
          // One message per entry, as gateways before the column form sent: one entry standing for 40
          // repeats (as the gateway counts them), one from a sender that does not count.
          { name: '@acme/widget', version: '1.1.0', view: 'prod', downloader: { principal: 'ci:checkout', tokenId: 'tok-ci' }, userAgent: 'npm/11.2.0 node/v22', count: 40 },
          { name: '@acme/widget', version: '1.1.0', view: 'prod', downloader: { principal: 'ci:checkout', tokenId: 'tok-ci' }, userAgent: 'npm/11.2.0 node/v22' },
          { name: '@acme/widget', version: '1.3.0', view: 'prod', downloader: { principal: 'carol', tokenId: 'tok-carol' }, userAgent: 'pnpm/10' },
        ],
      },
    );
    await waitFor(async () => (await h.show(id)).exposures.some((e) => e.kind === 'download'), { message: 'downloads indexed' });
    const shown = await h.show(id);
    expect(shown.exposures).toEqual([
      expect.objectContaining({
        kind: 'download',
        identity: 'ci:checkout',
        tokenId: 'tok-ci',
        userAgent: 'npm/11.2.0 node/v22',
        view: 'prod',
        version: '1.1.0',
        count: 41,
        suggestion: expect.objectContaining({ toVersion: '1.3.0', command: 'npm install @acme/widget@1.3.0' }),
      }),
      expect.objectContaining({
        kind: 'deployment',
        identity: 'checkout-api',
        environment: 'production',
        deploymentId: report.outcome.value.deploymentId,
        version: '1.2.0',
        suggestion: expect.objectContaining({ toVersion: '1.3.0', direct: false, command: 'add "overrides": { "@acme/widget": "1.3.0" } to package.json, then npm install' }),
      }),
    ]);
    // A newer deployment of the same service and environment without the version is no longer exposed.
    await h.command(Commands.recallReportDeployment, {
      service: 'checkout-api',
      environment: 'production',
      view: 'prod',
      reportedBy: { principal: 'ci:checkout', tokenId: 'tok-ci' },
      packages: [{ name: '@acme/widget', version: '1.3.0', direct: false, integrity: '' }],
    });
    expect((await h.show(id)).exposures.filter((e) => e.kind === 'deployment')).toEqual([]);
  });

  it('waives one view only with a second person, and puts the quarantine back when the waiver ends', async () => {
    const [id] = await h.caseIds();
    await h.enforceAll(id);
    await waitFor(async () => (await h.show(id)).status === 'contained', { message: 'contained' });
    const requested = changed(
      await h.command(Commands.recallRequestOverride, { recallId: id, kind: 'waiver', view: 'prod', durationSeconds: 1, reason: 'hotfix build needs 1.2.0 for an hour', requestedBy: alice }),
    );
    const override = requested.overrides[0];
    expect(override).toMatchObject({ kind: 'waiver', view: 'prod', state: 'pending', requestedBy: 'alice' });
    expect(rejectionOf(await h.command(Commands.recallRequestOverride, { recallId: id, kind: 'waiver', view: 'prod', durationSeconds: 31 * 86400, reason: 'x', requestedBy: alice }))?.code).toBe(
      'RECALL_INVALID_OVERRIDE',
    );
    expect(rejectionOf(await h.command(Commands.recallRequestOverride, { recallId: id, kind: 'waiver', view: 'dev', durationSeconds: 60, reason: 'x', requestedBy: alice }))?.code).toBe(
      'RECALL_UNKNOWN_VIEW',
    );
    expect(rejectionOf(await h.command(Commands.recallApproveOverride, { recallId: id, overrideId: override.id, approver: alice }))?.code).toBe('RECALL_SELF_APPROVAL');
    expect(h.released).toHaveLength(0);

    const approved = changed(await h.command(Commands.recallApproveOverride, { recallId: id, overrideId: override.id, approver: bob, comment: 'ok for the hotfix' }));
    expect(approved.overrides[0]).toMatchObject({ state: 'approved', approvedBy: 'bob' });
    expect(approved.enforcements.filter((e) => e.view === 'prod').map((e) => e.state)).toEqual(['waived', 'waived', 'waived', 'waived']);
    expect(approved.enforcements.filter((e) => e.view === 'staging').every((e) => e.state === 'enforced')).toBe(true);
    expect(rejectionOf(await h.command(Commands.recallApproveOverride, { recallId: id, overrideId: override.id, approver: bob }))?.code).toBe('RECALL_OVERRIDE_NOT_PENDING');
    await waitFor(() => h.released.length === 4, { message: 'released in prod' });
    expect(h.released.every((r) => r.view === 'prod' && r.recallId === id && r.approvers.join() === 'bob')).toBe(true);

    // The waiver lasts one second; the clock then re-quarantines prod (a new generation, planned).
    await waitFor(() => h.quarantinesOf(id).filter((q) => q.view === 'prod').length === 8, { message: 'prod quarantined again', timeoutMs: 10_000 });
    const back = await h.show(id);
    expect(back.overrides[0].state).toBe('expired');
    expect(back.status).toBe('open');
    expect(back.enforcements.filter((e) => e.view === 'prod').map((e) => e.state)).toEqual(['planned', 'planned', 'planned', 'planned']);
    expect(back.timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['override-requested', 'override-approved', 'waived', 'waiver-expired']));
    for (const q of h.quarantinesOf(id).filter((x) => x.view === 'prod').slice(4)) await h.enforced(q);
    await waitFor(async () => (await h.show(id)).status === 'contained', { message: 'contained again' });
  });

  it('closes as a false positive only once someone else approves: every view released, case closed', async () => {
    const result = accepted(await open({ name: '@acme/gadget', versions: ['3.0.0'], reason: 'suspicious postinstall', severity: Severity.MEDIUM }));
    const id = result.recallId;
    await waitFor(() => h.quarantinesOf(id).length === 3, { message: 'gadget quarantined' });
    expect(h.quarantinesOf(id).find((q) => q.view === 'prod')?.reason).toContain('Use @acme/gadget@3.0.1 instead.');
    const requested = changed(await h.command(Commands.recallRequestOverride, { recallId: id, kind: 'false-positive', reason: 'the script only builds native code', requestedBy: bob }));
    expect(rejectionOf(await h.command(Commands.recallApproveOverride, { recallId: id, overrideId: requested.overrides[0].id, approver: bob }))?.code).toBe('RECALL_SELF_APPROVAL');
    const closed = changed(await h.command(Commands.recallApproveOverride, { recallId: id, overrideId: requested.overrides[0].id, approver: alice }));
    expect(closed).toMatchObject({ status: 'closed', resolution: RecallResolution.FALSE_POSITIVE });
    expect(closed.enforcements.every((e) => e.state === 'released')).toBe(true);
    await waitFor(() => h.released.filter((r) => r.recallId === id).length === 3, { message: 'released in every view' });
    await waitFor(() => h.closed.some((c) => c.recallId === id), { message: 'recall.closed' });
    expect(h.closed.find((c) => c.recallId === id)).toMatchObject({ resolution: RecallResolution.FALSE_POSITIVE, drill: false });
    await waitFor(() => h.alertsOf(id).some((a) => a.subject === 'alerts.recall.medium.closed'), { message: 'closed alert' });
    expect(rejectionOf(await h.command(Commands.recallClose, { recallId: id, closedBy: alice }))?.code).toBe('RECALL_CLOSED');
  });

  it('closes a case keeping its quarantines (CONTAINED), no approval needed', async () => {
    const [id] = await h.caseIds();
    const released = h.released.length;
    const closed = changed(await h.command(Commands.recallClose, { recallId: id, reason: 'consumers moved to 1.3.0', closedBy: alice }));
    expect(closed).toMatchObject({ status: 'closed', resolution: RecallResolution.CONTAINED });
    expect(closed.enforcements.every((e) => e.state === 'enforced')).toBe(true);
    await waitFor(() => h.closed.some((c) => c.recallId === id), { message: 'recall.closed' });
    await settle();
    expect(h.released.length).toBe(released);
    const list = await h.command(Commands.recallList, { status: 'closed', name: '', limit: 0 });
    expect(list.outcome.case === 'found' && list.outcome.value.recalls.map((r) => r.recallId).sort()).toEqual((await h.caseIds()).sort());
    expect(rejectionOf(await h.command(Commands.recallList, { status: 'sleeping', name: '', limit: 0 }))?.code).toBe('RECALL_INVALID_REQUEST');
  });

  it('runs a drill: every step timed, alerts marked drill, no quarantine and no effect on any view', async () => {
    const quarantined = h.quarantined.length;
    const result = accepted(await open({ name: '@acme/widget', versionRange: '^2.0.0', drill: true, reason: 'quarterly drill', severity: Severity.CRITICAL }));
    expect(result.drill).toBe(true);
    const report = result.recall;
    expect(report).toMatchObject({ drill: true, status: 'closed', resolution: RecallResolution.CANCELLED, affected: [{ name: '@acme/widget', version: '2.0.0' }] });
    expect(report?.steps.map((s) => s.step)).toEqual(['resolve-versions', 'read-policies', 'plan-quarantines', 'publish (drill: alerts only)', 'blast-radius', 'suggest-rollbacks', 'contain (simulated)', 'close']);
    expect(report?.steps.every((s) => s.durationMs >= 0)).toBe(true);
    expect(report?.timeline.filter((t) => t.kind === 'drill-step')).toHaveLength(8);
    expect(report?.enforcements).toHaveLength(3);
    expect(report?.suggestions.map((s) => s.toVersion)).toEqual(['1.3.0', '1.3.0', '1.3.0']);
    await waitFor(() => h.alertsOf(result.recallId).length === 4, { message: 'four drill alerts' });
    expect(h.alertsOf(result.recallId).map((a) => [a.subject, a.drill]).sort()).toEqual([
      ['alerts.recall.critical.closed', true],
      ['alerts.recall.critical.contained', true],
      ['alerts.recall.critical.enforced', true],
      ['alerts.recall.critical.opened', true],
    ]);
    await waitFor(() => h.closed.some((c) => c.recallId === result.recallId), { message: 'drill closed event' });
    expect(h.opened.find((o) => o.recallId === result.recallId)?.drill).toBe(true);
    await settle();
    expect(h.quarantined.length).toBe(quarantined);
    expect(h.released.filter((r) => r.recallId === result.recallId)).toHaveLength(0);
    // A drill's plan does not count as a quarantine when suggesting versions for real cases.
    const real = accepted(await open({ name: '@acme/widget', versions: ['1.3.0'], views: ['prod'] }));
    expect(real.recall?.suggestions[0]).toMatchObject({ fromVersion: '1.3.0', toVersion: '2.0.0' });
  });

  it('names a safe version in a view once one is admitted there after the case opened (a fixed release)', async () => {
    await h.available('@acme/lonely', '1.0.0');
    const { recallId } = accepted(await open({ name: '@acme/lonely', versions: ['1.0.0'] }));
    await waitFor(() => h.quarantinesOf(recallId).length === 3, { message: 'three quarantines' });
    expect(h.quarantinesOf(recallId).map((q) => q.reason)).toEqual(Array(3).fill(`Palisade recall ${recallId} (high): leaked npm token.`));
    // The fix reaches dev only.
    await h.ingested('@acme/lonely', '1.0.1');
    await h.promoted('@acme/lonely', '1.0.1', 'dev');
    await waitFor(() => h.quarantinesOf(recallId).length === 4, { message: "dev's quarantine sent again" });
    expect(h.quarantinesOf(recallId)[3]).toMatchObject({
      view: 'dev',
      version: '1.0.0',
      mode: QuarantineMode.WARN,
      reason: `Palisade recall ${recallId} (high): leaked npm token. Use @acme/lonely@1.0.1 instead.`,
    });
    // An admission that changes no suggestion sends nothing.
    await h.available('@acme/lonely', '0.9.0', ['dev']);
    await settle();
    expect(h.quarantinesOf(recallId)).toHaveLength(4);
  });
});

import { Commands, PromotionStatus, type PromoteReply } from '@palisade/contracts';
import { runCleanups, waitFor } from '@palisade/testing';
import { PromotionHarness } from '../__fixtures__/promotion-harness';

const HOUR = 3_600_000;
/** The durable consumer the transport makes for the quarantine handler. */
const CONSUMER = 'promotion_registry_evt_version_quarantined';
const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

// The built-in policy: dev admits automatically and warns about recalled versions; staging and
// prod block them. Upstream versions older than 72 h flow through every view by themselves.
describe('recall quarantines in promotion (built-in policy)', () => {
  let h: PromotionHarness;

  const status = async (name: string, version: string) => {
    const reply = await h.command(Commands.promotionStatus, { name, version });
    if (reply.outcome.case !== 'found') throw new Error(`no status: ${JSON.stringify(reply.outcome.value)}`);
    return Object.fromEntries(reply.outcome.value.versions[0].views.map((v) => [v.view, { state: v.state, reasons: v.reasons }]));
  };
  const decisions = async (name: string): Promise<Array<{ view: string; outcome: string; trigger: string; reasons: string[] }>> =>
    h.service.dataSource.query(`SELECT view, outcome, trigger, reasons FROM palisade_promotion.decision WHERE name = $1 AND dry_run_id IS NULL ORDER BY id`, [name]);
  const rejected = (reply: PromoteReply) => {
    if (reply.outcome.case !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(reply.outcome.value)}`);
    return reply.outcome.value;
  };
  const accepted = (reply: PromoteReply) => {
    if (reply.outcome.case !== 'accepted') throw new Error(`expected acceptance, got ${JSON.stringify(reply.outcome.value)}`);
    return reply.outcome.value;
  };

  beforeAll(async () => {
    h = await PromotionHarness.start('promotion-quarantine');
  });

  afterAll(async () => {
    await h?.stop();
    await runCleanups();
  });

  it('never admits a version to a view that blocks it, names the recall, and admits it once released', async () => {
    const old = { source: 'upstream' as const, publishedAt: new Date(Date.now() - 100 * HOUR) };
    await h.quarantined('held', '1.0.0', 'staging', { mode: 'block', recallId: 'rc-held', reason: 'malicious postinstall' });
    await h.passed('held', '1.0.0', old);
    await waitFor(async () => (await h.admittedViews('held', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
    await settle();
    expect(await h.admittedViews('held', '1.0.0')).toEqual(['dev']);
    expect(await status('held', '1.0.0')).toEqual({
      dev: expect.objectContaining({ state: 'admitted' }),
      staging: { state: 'quarantined', reasons: ['quarantined in staging by recall rc-held: malicious postinstall'] },
      prod: { state: 'pending', reasons: expect.arrayContaining(['quarantined in staging by recall rc-held: malicious postinstall (a version enters prod only from staging)']) },
    });
    // Held automatically: recorded as a decision, not a policy refusal.
    expect((await decisions('held')).filter((d) => d.view === 'staging')).toEqual([
      { view: 'staging', outcome: 'quarantined', trigger: 'event', reasons: ['quarantined in staging by recall rc-held: malicious postinstall'] },
    ]);
    expect(h.refused.filter((r) => r.name === 'held')).toEqual([]);

    await h.released('held', '1.0.0', 'staging', { recallId: 'rc-held' });
    await waitFor(async () => (await h.admittedViews('held', '1.0.0')).length === 3, { message: 'admitted to staging and prod after the release' });
    expect((await decisions('held')).filter((d) => d.outcome === 'admitted').map((d) => [d.view, d.trigger])).toEqual([
      ['dev', 'event'],
      ['staging', 'release'],
      ['prod', 'release'],
    ]);
    expect(h.dismissed.filter((d) => d.name === 'held')).toEqual([]);
  });

  it('refuses a requested promotion into a blocking view with the recall, and admits on a new request after the release', async () => {
    await h.passed('@acme/req', '1.0.0');
    await waitFor(async () => (await h.admittedViews('@acme/req', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
    // No mode in the event: staging's policy says block.
    await h.quarantined('@acme/req', '1.0.0', 'staging', { recallId: 'rc-req', reason: 'typosquat' });
    await waitFor(async () => (await status('@acme/req', '1.0.0')).staging.state === 'quarantined', { message: 'staging holds the version' });

    const refusal = rejected(await h.promote('@acme/req', '1.0.0', 'staging', 'alice'));
    expect(refusal.code).toBe('PROMOTION_POLICY_VIOLATION');
    expect(refusal.message).toBe('@acme/req@1.0.0 cannot be promoted to staging while recall rc-req quarantines it there');
    expect(refusal.problems).toEqual(['quarantined in staging by recall rc-req: typosquat']);
    await waitFor(() => h.refused.some((r) => r.name === '@acme/req'), { message: 'version.refused' });
    expect(h.refused.find((r) => r.name === '@acme/req')).toMatchObject({ view: 'staging', reasons: ['quarantined in staging by recall rc-req: typosquat'], requestedBy: { principal: 'alice' } });
    // A dry run says the same and records nothing.
    expect(rejected(await h.promote('@acme/req', '1.0.0', 'staging', 'alice', true)).problems).toEqual(['quarantined in staging by recall rc-req: typosquat']);
    expect(await h.admittedViews('@acme/req', '1.0.0')).toEqual(['dev']);

    await h.released('@acme/req', '1.0.0', 'staging', { recallId: 'rc-req' });
    await waitFor(async () => (await status('@acme/req', '1.0.0')).staging.state === 'not-requested', { message: 'released' });
    // The refused request stays refused: staging admits published versions on request.
    expect(await h.admittedViews('@acme/req', '1.0.0')).toEqual(['dev']);
    expect(accepted(await h.promote('@acme/req', '1.0.0', 'staging', 'alice')).status).toBe(PromotionStatus.ADMITTED);
    expect(await h.admittedViews('@acme/req', '1.0.0')).toEqual(['dev', 'staging']);
  });

  it('keeps an admission made before a block quarantine (no dismissal), shows it quarantined, and holds the next view', async () => {
    await h.passed('kept', '1.0.0');
    await waitFor(async () => (await h.admittedViews('kept', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
    await h.quarantined('kept', '1.0.0', 'dev', { mode: 'block', recallId: 'rc-kept', reason: 'leaks tokens' });
    await waitFor(async () => (await status('kept', '1.0.0')).dev.state === 'quarantined', { message: 'dev shows the quarantine' });
    const dev = (await status('kept', '1.0.0')).dev;
    expect(dev.reasons[0]).toBe('quarantined in dev by recall rc-kept: leaks tokens');
    expect(dev.reasons[1]).toMatch(/^admitted under policy version 1; it stays admitted, and dev hides it until the recall releases it$/);
    expect(await h.admittedViews('kept', '1.0.0')).toEqual(['dev']);
    const pending = accepted(await h.promote('kept', '1.0.0', 'staging', 'alice'));
    expect(pending.status).toBe(PromotionStatus.PENDING);
    expect(pending.reasons).toEqual(['quarantined in dev by recall rc-kept: leaks tokens (a version enters staging only from dev)']);
    await settle();
    expect(h.dismissed.filter((d) => d.name === 'kept')).toEqual([]);
    expect(await h.admittedViews('kept', '1.0.0')).toEqual(['dev']);

    // The release lets the open request through.
    await h.released('kept', '1.0.0', 'dev', { recallId: 'rc-kept' });
    await waitFor(async () => (await h.admittedViews('kept', '1.0.0')).includes('staging'), { message: 'admitted to staging after the release' });
  });

  it('does not hold a version for a warn quarantine (the view policy or the event says warn)', async () => {
    await h.quarantined('warned', '1.0.0', 'dev', { recallId: 'rc-warn' });
    await h.quarantined('warned', '1.0.0', 'staging', { mode: 'warn', recallId: 'rc-warn' });
    await h.passed('warned', '1.0.0');
    await waitFor(async () => (await h.admittedViews('warned', '1.0.0')).includes('dev'), { message: 'admitted to dev despite the warning' });
    expect(accepted(await h.promote('warned', '1.0.0', 'staging', 'alice')).status).toBe(PromotionStatus.ADMITTED);
    expect((await status('warned', '1.0.0')).staging.state).toBe('admitted');
  });

  it('ignores a quarantine of other bytes', async () => {
    await h.quarantined('other-bytes-q', '1.0.0', 'dev', { mode: 'block', integrity: 'sha512-b3RoZXI=' });
    await h.passed('other-bytes-q', '1.0.0');
    await waitFor(async () => (await h.admittedViews('other-bytes-q', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
  });

  it('lets the newest event win whatever the arrival order', async () => {
    const t = Date.now();
    // The release (newer) arrives before the quarantine it lifts.
    await h.released('late-q', '1.0.0', 'dev', { at: new Date(t) });
    await h.quarantined('late-q', '1.0.0', 'dev', { mode: 'block', at: new Date(t - 60_000) });
    await h.passed('late-q', '1.0.0');
    await waitFor(async () => (await h.admittedViews('late-q', '1.0.0')).includes('dev'), { message: 'admitted: the older quarantine lost' });

    // A newer quarantine after an older release holds the version.
    await h.quarantined('late-r', '1.0.0', 'dev', { mode: 'block', at: new Date(t) });
    await h.released('late-r', '1.0.0', 'dev', { at: new Date(t - 60_000) });
    await h.passed('late-r', '1.0.0');
    await waitFor(async () => (await status('late-r', '1.0.0')).dev.state === 'quarantined', { message: 'held by the newer quarantine' });
    await settle();
    expect(await h.admittedViews('late-r', '1.0.0')).toEqual([]);
  });

  it('applies a redelivered quarantine once', async () => {
    await h.passed('redelivered', '1.0.0');
    await waitFor(async () => (await h.admittedViews('redelivered', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
    await h.promote('redelivered', '1.0.0', 'staging', 'alice');
    await h.quarantined('redelivered', '1.0.0', 'prod', { mode: 'block', id: 'quarantine-redelivered', recallId: 'rc-redo' });
    // The same message again from a retrying publisher is dropped by the bus...
    await h.quarantined('redelivered', '1.0.0', 'prod', { mode: 'block', id: 'quarantine-redelivered', recallId: 'rc-redo' });
    await waitFor(async () => (await status('redelivered', '1.0.0')).prod.state === 'quarantined', { message: 'prod holds the version' });
    const inbox = () =>
      h.service.dataSource.query(`SELECT count(*)::int AS n FROM palisade_promotion.inbox WHERE consumer = 'promotion.version-quarantined' AND message_id = 'quarantine-redelivered'`);
    const rows = () => h.service.dataSource.query(`SELECT view, state, recorded_at FROM palisade_promotion.quarantine WHERE name = 'redelivered'`);
    expect(await inbox()).toEqual([{ n: 1 }]);
    const before = await decisions('redelivered');
    const recorded = await rows();
    expect(recorded).toEqual([{ view: 'prod', state: 'quarantined', recorded_at: expect.any(Date) }]);

    // ...and a redelivery of the same message (as after a lost ack) changes nothing.
    await h.service.dataSource.query(
      `WITH m AS (SELECT seq FROM bus.message WHERE id = 'quarantine-redelivered')
       UPDATE bus.delivery d SET state = 'pending', lease_until = NULL, next_attempt_at = NULL FROM m WHERE d.seq = m.seq AND d.consumer = '${CONSUMER}'`,
    );
    await h.service.dataSource.query(
      `UPDATE bus.consumer SET ack_floor = LEAST(ack_floor, (SELECT seq - 1 FROM bus.message WHERE id = 'quarantine-redelivered')) WHERE name = '${CONSUMER}'`,
    );
    await waitFor(
      async () => {
        const delivered: Array<{ attempts: number; state: string }> = await h.service.dataSource.query(
          `SELECT d.attempts, d.state FROM bus.delivery d JOIN bus.message m ON m.seq = d.seq WHERE m.id = 'quarantine-redelivered' AND d.consumer = '${CONSUMER}'`,
        );
        return delivered.length === 1 && delivered[0].attempts === 2 && delivered[0].state === 'acked';
      },
      { message: 'delivered a second time' },
    );
    expect(await inbox()).toEqual([{ n: 1 }]);
    // Not even re-recorded (the row's recorded_at would move).
    expect(await rows()).toEqual(recorded);
    expect(await decisions('redelivered')).toEqual(before);
  });
});

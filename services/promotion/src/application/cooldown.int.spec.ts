import { runCleanups, waitFor } from '@palisade/testing';
import { PromotionHarness } from '../__fixtures__/promotion-harness';

const HOUR = 3_600_000;
const settle = () => new Promise((resolve) => setTimeout(resolve, 800));

// The built-in policy: dev and staging admit upstream versions at once, prod after 72 hours.
describe('the minimum age of upstream versions (built-in policy)', () => {
  let h: PromotionHarness;

  beforeAll(async () => {
    h = await PromotionHarness.start('promotion-cooldown', { env: { PALISADE_PROMOTION_REEVALUATE_INTERVAL: '200ms' } });
  });

  afterAll(async () => {
    await h?.stop();
    await runCleanups();
  });

  it('admits an upstream version published 1 h ago to dev, not to prod', async () => {
    await h.passed('fresh-upstream', '1.0.0', { source: 'upstream', publishedAt: new Date(Date.now() - HOUR) });
    await waitFor(async () => (await h.admittedViews('fresh-upstream', '1.0.0')).length === 2, { message: 'admitted to dev and staging' });
    await settle();
    expect(await h.admittedViews('fresh-upstream', '1.0.0')).toEqual(['dev', 'staging']);
  });

  it('admits an upstream version published 100 h ago to every view', async () => {
    await h.passed('old-upstream', '1.0.0', { source: 'upstream', publishedAt: new Date(Date.now() - 100 * HOUR) });
    await waitFor(async () => (await h.admittedViews('old-upstream', '1.0.0')).length === 3, { message: 'admitted to every view' });
    await waitFor(() => h.promotedTo('old-upstream', '1.0.0').length === 3, { message: 'promoted events' });
    expect(h.promoted.find((p) => p.name === 'old-upstream' && p.view === 'prod')?.decision).toEqual(
      expect.arrayContaining(['scan verdict clean', 'registry-signed', 'admitted to staging', 'admitted automatically (upstream versions)', expect.stringMatching(/^minimum age 72h reached/)]),
    );
  });

  it('admits to prod when the cooldown ends, with no new event', async () => {
    await h.passed('ripening', '1.0.0', { source: 'upstream', publishedAt: new Date(Date.now() - 72 * HOUR + 2_000) });
    await waitFor(async () => (await h.admittedViews('ripening', '1.0.0')).length === 2, { message: 'admitted to dev and staging' });
    expect(await h.admittedViews('ripening', '1.0.0')).toEqual(['dev', 'staging']);
    await waitFor(async () => (await h.admittedViews('ripening', '1.0.0')).includes('prod'), { timeoutMs: 6_000, message: 'admitted to prod by the clock' });
    // Events reach the harness asynchronously: count them per view, not from a snapshot of the total.
    await waitFor(() => h.promotedTo('ripening', '1.0.0').includes('prod'), { message: 'promoted to prod' });
    await settle();
    expect(h.promotedTo('ripening', '1.0.0').sort()).toEqual(['dev', 'prod', 'staging']);
    const rows: Array<{ trigger: string }> = await h.service.dataSource.query(
      `SELECT trigger FROM palisade_promotion.decision WHERE name = 'ripening' AND view = 'prod' AND outcome = 'admitted'`,
    );
    expect(rows).toEqual([{ trigger: 'timer' }]);
  });

  it('keeps a published version out of prod without a request, whatever its age', async () => {
    await h.passed('published-old', '1.0.0', { publishedAt: new Date(Date.now() - 100 * HOUR) });
    await waitFor(async () => (await h.admittedViews('published-old', '1.0.0')).length === 1, { message: 'admitted to dev' });
    await settle();
    expect(await h.admittedViews('published-old', '1.0.0')).toEqual(['dev']);
  });
});

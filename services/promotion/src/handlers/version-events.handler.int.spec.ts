import { Events, encodeMessage } from '@palisade/contracts';
import { runCleanups, waitFor } from '@palisade/testing';
import { PromotionHarness, integrityOf } from '../__fixtures__/promotion-harness';

const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

describe('admission to the entry view waits for the scan verdict and the registry signature', () => {
  let h: PromotionHarness;

  beforeAll(async () => {
    h = await PromotionHarness.start('promotion-events');
  });

  afterAll(async () => {
    await h?.stop();
    await runCleanups();
  });

  it('admits a published version to dev only once it is ingested, signed and scanned clean', async () => {
    await h.ingested('@acme/widget', '1.0.0');
    await h.signed('@acme/widget', '1.0.0');
    await settle();
    expect(await h.admittedViews('@acme/widget', '1.0.0')).toEqual([]);
    await h.scanned('@acme/widget', '1.0.0', 'clean');
    await waitFor(() => h.promotedTo('@acme/widget', '1.0.0').length === 1, { message: 'promoted to dev' });
    const promoted = h.promoted.find((p) => p.name === '@acme/widget');
    expect(promoted).toMatchObject({ version: '1.0.0', integrity: integrityOf('@acme/widget@1.0.0'), view: 'dev', fromView: '', policyVersion: 1, approvers: [] });
    expect(promoted?.decision).toEqual(['scan verdict clean', 'registry-signed', 'admitted automatically (published versions)']);
    expect(promoted?.policyDigest).toMatch(/^[0-9a-f]{64}$/);
    // staging and prod admit published versions only on request.
    await settle();
    expect(await h.admittedViews('@acme/widget', '1.0.0')).toEqual(['dev']);
  });

  it('decides the same whatever order the events arrive in, and once however often they arrive', async () => {
    await h.scanned('late-ingest', '2.0.0', 'warn');
    await h.scanned('late-ingest', '2.0.0', 'warn');
    await h.signed('late-ingest', '2.0.0');
    await settle();
    expect(await h.admittedViews('late-ingest', '2.0.0')).toEqual([]);
    await h.ingested('late-ingest', '2.0.0');
    await h.ingested('late-ingest', '2.0.0');
    await waitFor(async () => (await h.admittedViews('late-ingest', '2.0.0')).length === 1, { message: 'admitted to dev' });
    await settle();
    expect(h.promotedTo('late-ingest', '2.0.0')).toEqual(['dev']);
  });

  it('does not count a verdict or a signature about other bytes', async () => {
    await h.ingested('other-bytes', '1.0.0');
    await h.signed('other-bytes', '1.0.0');
    await h.scanned('other-bytes', '1.0.0', 'clean', { integrity: integrityOf('something else') });
    await settle();
    expect(await h.admittedViews('other-bytes', '1.0.0')).toEqual([]);
  });

  it('refuses a block verdict, and a rescan turning block removes the version from every view', async () => {
    await h.ingested('bad-at-once', '1.0.0');
    await h.signed('bad-at-once', '1.0.0');
    await h.scanned('bad-at-once', '1.0.0', 'block');
    await waitFor(() => h.refused.some((r) => r.name === 'bad-at-once'), { message: 'refused from dev' });
    expect(h.refused.find((r) => r.name === 'bad-at-once')).toMatchObject({ view: 'dev', policyVersion: 1 });
    expect(h.refused.find((r) => r.name === 'bad-at-once')?.reasons[0]).toContain('scan verdict is block (dev admits clean, warn): malware.exfiltration-env (critical)');
    expect(await h.admittedViews('bad-at-once', '1.0.0')).toEqual([]);

    await h.passed('turns-bad', '1.0.0');
    await waitFor(async () => (await h.admittedViews('turns-bad', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
    const accepted = await h.promote('turns-bad', '1.0.0', 'staging', 'alice');
    expect(accepted.outcome.case).toBe('accepted');
    expect(await h.admittedViews('turns-bad', '1.0.0')).toEqual(['dev', 'staging']);
    await h.scanned('turns-bad', '1.0.0', 'block', { rescan: true });
    await waitFor(() => h.dismissed.filter((d) => d.name === 'turns-bad').length === 2, { message: 'dismissed from dev and staging' });
    expect(h.dismissed.filter((d) => d.name === 'turns-bad').map((d) => d.view).sort()).toEqual(['dev', 'staging']);
    expect(h.dismissed.find((d) => d.name === 'turns-bad')?.reason).toContain('scan verdict is block');
    expect(await h.admittedViews('turns-bad', '1.0.0')).toEqual([]);
    // An older verdict arriving late does not undo the rescan.
    await h.scanned('turns-bad', '1.0.0', 'clean', { at: new Date(Date.now() - 60_000) });
    await settle();
    expect(await h.admittedViews('turns-bad', '1.0.0')).toEqual([]);
  });

  it('takes an unpublished version out of its views and never admits it again', async () => {
    await h.passed('gone', '1.0.0');
    await waitFor(async () => (await h.admittedViews('gone', '1.0.0')).includes('dev'), { message: 'admitted to dev' });
    const { schema, subject } = Events.versionUnpublished;
    await h.bus.publish({ id: 'unpublish-gone', subject, schema: schema.typeName, data: encodeMessage(schema, { name: 'gone', version: '1.0.0', integrity: integrityOf('gone@1.0.0') }) });
    await waitFor(async () => (await h.admittedViews('gone', '1.0.0')).length === 0, { message: 'admission removed' });
    const reply = await h.promote('gone', '1.0.0', 'dev', 'alice');
    expect(reply.outcome.case === 'rejected' && reply.outcome.value.code).toBe('PROMOTION_UNKNOWN_VERSION');
  });
});

import { Commands, Events, QuarantineMode, RecallTrigger, Severity, Verdict, downloadBatchOf, encodeMessage, timestampFromDate } from '@palisade/contracts';
import type { DeliveredMessage } from '@palisade/messaging';
import { runCleanups, waitFor } from '@palisade/testing';
import { RecallHarness, THREE_VIEWS, integrityOf } from './__fixtures__/recall-harness';
import { RecallEventsHandler } from './handlers/recall-events.handler';
import { TriggerEventsHandler } from './handlers/trigger-events.handler';

const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same message again, as the bus would redeliver it (same id, next attempt). */
function redelivery(subject: string, schema: string, id: string, data: Uint8Array): DeliveredMessage {
  return { id, subject, schema, data, headers: {}, attempt: 2, working: () => undefined };
}

const advisoryFinding = (id: string, severity: Severity = Severity.HIGH) => ({ rule: 'osv.match', severity, message: `matches ${id}`, advisoryId: id });

describe('recall cases the registry opens by itself', () => {
  let h: RecallHarness;

  beforeAll(async () => {
    h = await RecallHarness.start('recall-auto');
    await h.publish(Events.advisoryImported, {
      advisoryId: 'GHSA-lodash-1',
      summary: 'Prototype pollution in lodash',
      severity: Severity.CRITICAL,
      publishedAt: timestampFromDate(new Date(Date.now() - 3_600_000)),
      modifiedAt: timestampFromDate(new Date(Date.now() - 3_600_000)),
    });
    await waitFor(async () => (await h.service.dataSource.query('SELECT id FROM palisade_recall.advisory')).length === 1, { message: 'advisory recorded' });
    for (const version of ['4.17.10', '4.17.11', '4.17.12', '4.17.21']) await h.available('lodash', version);
    await h.available('lodash', '4.17.22', ['dev']);
  });

  afterAll(async () => {
    await h?.stop();
    await runCleanups();
  });

  let recallId = '';

  it('opens an advisory case on a rescan that blocks clean bytes, and quarantines in every view with its mode', async () => {
    await h.scanned('lodash', '4.17.11', 'block', { rescan: true, findings: [advisoryFinding('GHSA-lodash-1', Severity.CRITICAL)] });
    await waitFor(() => h.opened.length === 1, { message: 'recall.opened' });
    recallId = h.opened[0].recallId;
    expect(recallId).toMatch(/^RC-[A-Z2-7]{8}$/);
    expect(h.opened[0]).toMatchObject({ trigger: RecallTrigger.ADVISORY, advisoryId: 'GHSA-lodash-1', severity: Severity.CRITICAL, affected: [{ name: 'lodash', version: '4.17.11' }], drill: false });
    expect(h.opened[0].openedBy?.principal).toBe('service:recall');

    await waitFor(() => h.quarantinesOf(recallId).length === 3, { message: 'three quarantines' });
    const byView = Object.fromEntries(h.quarantinesOf(recallId).map((q) => [q.view, q]));
    expect(byView.dev.mode).toBe(QuarantineMode.WARN);
    expect(byView.staging.mode).toBe(QuarantineMode.BLOCK);
    expect(byView.prod.mode).toBe(QuarantineMode.BLOCK);
    expect(byView.prod).toMatchObject({ name: 'lodash', version: '4.17.11', integrity: integrityOf('lodash@4.17.11') });
    // The fix above it in the same major, admitted in prod (4.17.12 is the lowest safe one).
    expect(byView.prod.reason).toBe(`Palisade recall ${recallId} (critical): GHSA-lodash-1: Prototype pollution in lodash. Use lodash@4.17.12 instead.`);

    await waitFor(() => h.alertsOf(recallId).length >= 2, { message: 'opened and enforced alerts' });
    expect(h.alertsOf(recallId).map((a) => a.subject).sort()).toEqual(['alerts.recall.critical.enforced', 'alerts.recall.critical.opened']);
    expect(h.alertsOf(recallId)[0].details).toMatchObject({ recallId, versions: '4.17.11', views: 'dev,staging,prod' });

    const shown = await h.show(recallId);
    expect(shown).toMatchObject({ status: 'open', trigger: RecallTrigger.ADVISORY, openedBy: 'service:recall' });
    expect(shown.enforcements.map((e) => [e.view, e.state])).toEqual([
      ['dev', 'planned'],
      ['staging', 'planned'],
      ['prod', 'planned'],
    ]);
    // Detectable since the advisory's publication, an hour ago (later than the version's publication).
    expect(shown.timeToDetectMs).toBeGreaterThanOrEqual(3_600_000);
    expect(shown.timeToContainMs).toBe(-1);
    expect(JSON.parse(shown.evidenceJson).byVersion['4.17.11']).toMatchObject({ advisoryIds: ['GHSA-lodash-1'], verdict: 'block', previousVerdict: 'clean' });
  });

  it('adds a later version of the same advisory and package to the open case instead of opening another', async () => {
    await h.scanned('lodash', '4.17.10', 'warn', { rescan: true, findings: [advisoryFinding('GHSA-lodash-1')] });
    await waitFor(() => h.quarantinesOf(recallId).length === 6, { message: 'joined version quarantined' });
    expect(h.opened).toHaveLength(1);
    expect((await h.caseIds()).length).toBe(1);
    const shown = await h.show(recallId);
    expect(shown.affected.map((a) => a.version)).toEqual(['4.17.11', '4.17.10']);
    expect(shown.timeline.map((t) => t.kind)).toEqual(['opened', 'version-added']);
    const prod = h.quarantinesOf(recallId).find((q) => q.version === '4.17.10' && q.view === 'prod');
    expect(prod?.reason).toContain('Use lodash@4.17.12 instead.');
  });

  it('closes the loop: each recall.enforced marks a row, and the last one contains the case', async () => {
    const quarantines = h.quarantinesOf(recallId);
    for (const q of quarantines.slice(0, -1)) await h.enforced(q);
    await waitFor(async () => (await h.show(recallId)).enforcements.filter((e) => e.state === 'enforced').length === 5, { message: 'five rows enforced' });
    expect((await h.show(recallId)).status).toBe('open');
    await h.enforced(quarantines[quarantines.length - 1]);
    await waitFor(async () => (await h.show(recallId)).status === 'contained', { message: 'case contained' });
    const shown = await h.show(recallId);
    expect(shown.timeToContainMs).toBeGreaterThanOrEqual(0);
    expect(shown.containedAt).toBeDefined();
    expect(shown.timeline.filter((t) => t.kind === 'enforced')).toHaveLength(6);
    expect(shown.timeline.filter((t) => t.kind === 'contained')).toHaveLength(1);
    await waitFor(() => h.alertsOf(recallId).some((a) => a.subject === 'alerts.recall.critical.contained'), { message: 'contained alert' });
  });

  it('applies a redelivered event once: the same scanned, enforced or download message changes nothing', async () => {
    const before = await h.show(recallId);
    const quarantined = h.quarantined.length;
    const scan = {
      name: 'lodash',
      version: '4.17.12',
      integrity: integrityOf('lodash@4.17.12'),
      verdict: Verdict.WARN,
      rescan: true,
      findings: [advisoryFinding('GHSA-lodash-1')],
      scannedAt: timestampFromDate(new Date()),
    };
    const scanData = encodeMessage(Events.versionScanned.schema, scan);
    const scanId = await h.publish(Events.versionScanned, scan);
    await waitFor(() => h.quarantinesOf(recallId).some((q) => q.version === '4.17.12'), { message: '4.17.12 joined' });
    // A contained case that grows is open again until the new quarantines are served.
    expect((await h.show(recallId)).status).toBe('open');
    await settle();
    const joined = h.quarantined.length;
    expect(joined - quarantined).toBe(3);
    const handler = h.service.app.get(TriggerEventsHandler);
    await handler.onScanned(redelivery(Events.versionScanned.subject, Events.versionScanned.schema.typeName, scanId, scanData));
    await handler.onScanned(redelivery(Events.versionScanned.subject, Events.versionScanned.schema.typeName, scanId, scanData));
    // The scanner saying the same thing again, under a new id, is not a raise either.
    await h.scanned('lodash', '4.17.12', 'warn', { rescan: true, findings: [advisoryFinding('GHSA-lodash-1')] });

    const enforcedId = await h.enforced(h.quarantinesOf(recallId).find((q) => q.version === '4.17.10' && q.view === 'dev') as never, true, 'enforced-once');
    const enforcedData = encodeMessage(Events.recallEnforced.schema, { recallId, name: 'lodash', version: '4.17.10', view: 'dev', mode: QuarantineMode.WARN, quarantined: true });
    await settle();
    const timeline = (await h.show(recallId)).timeline.length;
    await h.service.app.get(RecallEventsHandler).onEnforced(redelivery(Events.recallEnforced.subject, Events.recallEnforced.schema.typeName, enforcedId, enforcedData));
    expect((await h.show(recallId)).timeline.length).toBe(timeline);

    const batch = downloadBatchOf([{ name: 'lodash', version: '4.17.11', integrity: 'sha512-x', view: 'prod', principal: 'ci-checkout', tokenId: 'tok-ci', userAgent: 'npm/11.0.0', firstAt: Date.now(), lastAt: Date.now(), count: 1 }]);
    const downloadId = await h.publish(Events.downloadRecorded, batch);
    await waitFor(async () => (await h.show(recallId)).exposures.some((e) => e.kind === 'download'), { message: 'download indexed' });
    await h.service.app.get(RecallEventsHandler).onDownloads(redelivery(Events.downloadRecorded.subject, Events.downloadRecorded.schema.typeName, downloadId, encodeMessage(Events.downloadRecorded.schema, batch)));

    await settle();
    expect(h.quarantined.length).toBe(joined);
    const after = await h.show(recallId);
    expect(after.affected.map((a) => a.version)).toEqual(['4.17.11', '4.17.10', '4.17.12']);
    expect(after.exposures.filter((e) => e.kind === 'download')).toEqual([
      expect.objectContaining({ identity: 'ci-checkout', tokenId: 'tok-ci', userAgent: 'npm/11.0.0', view: 'prod', version: '4.17.11', count: 1 }),
    ]);
    expect(after.timeline.filter((t) => t.kind === 'version-added')).toHaveLength(before.timeline.filter((t) => t.kind === 'version-added').length + 1);
    expect((await h.caseIds()).length).toBe(1);
  });

  it('opens a rescan case when no finding names an advisory, and does nothing for a first scan or a lower verdict', async () => {
    await h.available('left-pad', '1.0.0');
    await h.available('left-pad', '1.1.0');
    await h.scanned('left-pad', '1.1.0', 'block', { findings: [{ rule: 'malware.exfiltration-env', severity: Severity.CRITICAL, message: 'sends process.env' }] });
    await settle();
    expect(h.opened.filter((o) => o.affected[0]?.name === 'left-pad')).toHaveLength(0);
    await h.scanned('left-pad', '1.0.0', 'block', { rescan: true, findings: [{ rule: 'malware.exfiltration-env', severity: Severity.MEDIUM, message: 'sends process.env' }] });
    await waitFor(() => h.opened.some((o) => o.affected[0]?.name === 'left-pad'), { message: 'rescan case opened' });
    const opened = h.opened.find((o) => o.affected[0]?.name === 'left-pad');
    expect(opened).toMatchObject({ trigger: RecallTrigger.RESCAN, advisoryId: '', severity: Severity.HIGH, reason: 'rescan verdict block: malware.exfiltration-env sends process.env' });
    // 1.1.0 was judged block from the start: it is never suggested.
    await waitFor(() => h.quarantinesOf(opened?.recallId ?? '').length === 3, { message: 'left-pad quarantined' });
    expect(h.quarantinesOf(opened?.recallId ?? '').every((q) => !q.reason.includes('Use '))).toBe(true);
  });

  it('opens TAMPER (critical) and UPSTREAM_REMOVED (high) cases, one per package', async () => {
    await h.available('is-even', '1.0.0');
    await h.available('is-even', '1.0.1');
    await h.publish(Events.versionTampered, {
      name: 'is-even',
      version: '1.0.0',
      integrity: integrityOf('is-even@1.0.0'),
      upstreamIntegrity: 'sha512-other',
      upstream: 'public',
      detectedAt: timestampFromDate(new Date()),
    });
    await h.publish(Events.versionUpstreamRemoved, { name: 'is-odd', version: '2.0.0', integrity: 'sha512-odd2', upstream: 'public', packageRemoved: true, detectedAt: timestampFromDate(new Date()) });
    await h.publish(Events.versionUpstreamRemoved, { name: 'is-odd', version: '2.0.1', integrity: 'sha512-odd21', upstream: 'public', packageRemoved: true, detectedAt: timestampFromDate(new Date()) });
    await waitFor(() => h.opened.filter((o) => o.affected[0]?.name.startsWith('is-')).length === 2, { message: 'tamper and removal cases' });
    await waitFor(() => h.quarantined.filter((q) => q.name === 'is-odd').length === 6, { message: 'both removed versions quarantined' });
    const tamper = h.opened.find((o) => o.affected[0]?.name === 'is-even');
    expect(tamper).toMatchObject({ trigger: RecallTrigger.TAMPER, severity: Severity.CRITICAL });
    expect(h.quarantinesOf(tamper?.recallId ?? '').find((q) => q.view === 'prod')?.reason).toContain('Use is-even@1.0.1 instead.');
    const removed = h.opened.find((o) => o.affected[0]?.name === 'is-odd');
    expect(removed).toMatchObject({ trigger: RecallTrigger.UPSTREAM_REMOVED, severity: Severity.HIGH });
    expect((await h.show(removed?.recallId ?? '')).affected.map((a) => a.version)).toEqual(['2.0.0', '2.0.1']);
  });

  it('waits for the promotion service: without a policy answer the event is redelivered, then the case opens', async () => {
    await h.stopPolicy();
    await h.publish(Events.versionTampered, { name: 'late-policy', version: '1.0.0', integrity: 'sha512-late', upstreamIntegrity: 'sha512-x', upstream: 'public' });
    await settle(700);
    expect(h.opened.some((o) => o.affected[0]?.name === 'late-policy')).toBe(false);
    await h.servePolicy({ views: ['dev', 'prod'], quarantine: [] });
    await waitFor(() => h.opened.some((o) => o.affected[0]?.name === 'late-policy'), { message: 'opened after redelivery', timeoutMs: 15_000 });
    const id = h.opened.find((o) => o.affected[0]?.name === 'late-policy')?.recallId ?? '';
    await waitFor(() => h.quarantinesOf(id).length === 2, { message: 'quarantined in dev and prod' });
    // Without declared modes: warn in the entry view, block elsewhere.
    expect(h.quarantinesOf(id).map((q) => [q.view, q.mode])).toEqual([
      ['dev', QuarantineMode.WARN],
      ['prod', QuarantineMode.BLOCK],
    ]);
    await h.servePolicy(THREE_VIEWS);
  });

  it('keeps every case across a restart: a fresh instance on the same database finishes containing it', async () => {
    const id = h.opened.find((o) => o.affected[0]?.name === 'left-pad')?.recallId ?? '';
    const quarantines = h.quarantinesOf(id);
    await h.enforced(quarantines[0]);
    await waitFor(async () => (await h.show(id)).enforcements.some((e) => e.state === 'enforced'), { message: 'first row enforced' });
    await h.restart();
    for (const q of quarantines.slice(1)) await h.enforced(q);
    await waitFor(async () => (await h.show(id)).status === 'contained', { message: 'contained after restart' });
    const list = await h.command(Commands.recallList, { name: 'left-pad', status: '', limit: 10 });
    expect(list.outcome.case === 'found' && list.outcome.value.recalls.map((r) => [r.recallId, r.status])).toEqual([[id, 'contained']]);
  });
});

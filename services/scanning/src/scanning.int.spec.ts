import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Commands, Verdict, VersionSource, decodeMessage, encodeMessage } from '@palisade/contracts';
import { runCleanups, tempDir, waitFor } from '@palisade/testing';
import { startScanning, type ScanningHarness } from './__fixtures__/scanning-harness';

const OSV_FIXTURES = resolve(__dirname, '../../../libs/osv/src/__fixtures__/osv');

describe('scanning service', () => {
  let h: ScanningHarness;

  beforeAll(async () => {
    h = await startScanning();
  });

  afterAll(async () => {
    await h.stop();
    await runCleanups();
  });

  const scannedOf = (name: string, version: string) => h.scanned.filter((s) => s.name === name && s.version === version);

  it('imports an OSV folder incrementally: new records once, unchanged ones skipped, withdrawn kept but counted', async () => {
    const first = await h.admin('POST', '/-/palisade/v1/scanning/import', { kind: 'osv', source: OSV_FIXTURES });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ records: 7, imported: 7, unchanged: 0, invalid: 0, withdrawn: 1 });
    const again = await h.admin('POST', '/-/palisade/v1/scanning/import', { kind: 'osv', source: OSV_FIXTURES });
    expect(again.body).toMatchObject({ records: 7, imported: 0, unchanged: 7, dbVersion: first.body.dbVersion });
    const status = await h.admin('GET', '/-/palisade/v1/scanning/status');
    expect(status.body.advisories).toEqual({ total: 7, withdrawn: 1, malicious: 1 });
  });

  it('refuses admin calls without the token', async () => {
    const response = await fetch(`${h.service.url}/-/palisade/v1/scanning/status`);
    expect(response.status).toBe(401);
  });

  it('judges a published version at ingest, within a second, and blocks a critical match with an alert', async () => {
    const tarball = await h.storeTarball({ name: 'lodash', version: '4.17.11' });
    const started = Date.now();
    await h.ingested('ing-lodash', { name: 'lodash', version: '4.17.11', source: VersionSource.PUBLISHED, tarball });
    await waitFor(() => scannedOf('lodash', '4.17.11').length === 1, { message: 'lodash scanned' });
    expect(Date.now() - started).toBeLessThan(1_000);
    const [event] = scannedOf('lodash', '4.17.11');
    expect(event).toMatchObject({ integrity: tarball.integrity, verdict: Verdict.BLOCK, vulnRisk: 91, rescan: false });
    expect(event.findings.map((f) => f.advisoryId)).toEqual(['GHSA-jf85-cpcp-j695']);
    await waitFor(() => h.alerts.some((a) => a.subject === 'alerts.security.critical.vulnerability'), { message: 'block alert' });
    // the same ingested event again (a redelivery with a new id) changes nothing
    await h.ingested('ing-lodash-again', { name: 'lodash', version: '4.17.11', source: VersionSource.PUBLISHED, tarball });
    await new Promise((r) => setTimeout(r, 300));
    expect(scannedOf('lodash', '4.17.11')).toHaveLength(1);
  });

  it('judges an upstream version without bytes from advisories only, then rescans when its tarball is cached', async () => {
    await h.ingested('ing-semver', { name: 'semver', version: '7.5.1', source: VersionSource.UPSTREAM, tarball: { key: '', integrity: 'sha512-placeholder', size: 0 } });
    await waitFor(() => scannedOf('semver', '7.5.1').length === 1, { message: 'semver scanned' });
    expect(scannedOf('semver', '7.5.1')[0]).toMatchObject({ verdict: Verdict.WARN, vulnRisk: 53, rescan: false });
    const stored = await h.storeTarball({ name: 'semver', version: '7.5.1' });
    await h.tarballCached('cached-semver', { name: 'semver', version: '7.5.1', tarball: { ...stored, integrity: 'sha512-placeholder' } });
    await waitFor(() => scannedOf('semver', '7.5.1').length === 2, { message: 'semver rescanned' });
    expect(scannedOf('semver', '7.5.1')[1]).toMatchObject({ verdict: Verdict.WARN, rescan: true });
    const verdicts = await h.admin('GET', '/-/palisade/v1/scanning/verdicts?name=semver');
    expect(verdicts.body.verdicts).toEqual([expect.objectContaining({ version: '7.5.1', bytes_scanned: true, scan_count: 2 })]);
  });

  it('blocks a MAL- match as malware with a critical malware alert', async () => {
    await h.ingested('ing-debug', { name: 'debug', version: '4.4.2', source: VersionSource.UPSTREAM, tarball: { key: '', integrity: 'sha512-debug', size: 0 } });
    await waitFor(() => scannedOf('debug', '4.4.2').length === 1, { message: 'debug scanned' });
    expect(scannedOf('debug', '4.4.2')[0]).toMatchObject({ verdict: Verdict.BLOCK, malwareRisk: 100 });
    await waitFor(() => h.alerts.some((a) => a.subject === 'alerts.security.critical.malware'), { message: 'malware alert' });
    const alert = h.alerts.find((a) => a.subject === 'alerts.security.critical.malware')?.event;
    expect(alert).toMatchObject({ type: 'io.palisade.alert.v1', source: '/palisade/scanning', subject: 'alerts.security.critical.malware' });
    expect(alert?.data).toMatchObject({ area: 'security', kind: 'malware', severity: 'critical', package: { name: 'debug', version: '4.4.2' }, raisedBy: 'scanning', drill: false });
  });

  it('ignores withdrawn advisories (ip 2.0.1 matches only the live last_affected record)', async () => {
    await h.ingested('ing-ip', { name: 'ip', version: '2.0.1', source: VersionSource.UPSTREAM, tarball: { key: '', integrity: 'sha512-ip', size: 0 } });
    await waitFor(() => scannedOf('ip', '2.0.1').length === 1, { message: 'ip scanned' });
    // fixed in 2.0.1 by the real record; inclusive last_affected 2.0.1 in the derived one; the withdrawn one is ignored
    expect(scannedOf('ip', '2.0.1')[0].findings.map((f) => f.advisoryId)).toEqual(['DERIVED-last-affected-GHSA-2p57-rm9w-gvfp']);
  });

  it('re-judges stored versions when a new advisory names them, and emits only the changes', async () => {
    const tarball = await h.storeTarball({ name: '@acme/widget', version: '1.0.0' });
    await h.ingested('ing-widget-1', { name: '@acme/widget', version: '1.0.0', source: VersionSource.PUBLISHED, tarball });
    const tarball2 = await h.storeTarball({ name: '@acme/widget', version: '1.0.1' });
    await h.ingested('ing-widget-2', { name: '@acme/widget', version: '1.0.1', source: VersionSource.PUBLISHED, tarball: tarball2 });
    await waitFor(() => scannedOf('@acme/widget', '1.0.1').length === 1 && scannedOf('@acme/widget', '1.0.0').length === 1, { message: 'widget scanned' });
    expect(scannedOf('@acme/widget', '1.0.0')[0].verdict).toBe(Verdict.CLEAN);

    const folder = await tempDir('osv-new-');
    await mkdir(join(folder, 'npm'));
    await writeFile(
      join(folder, 'npm', 'GHSA-test-widget.json'),
      JSON.stringify({
        id: 'GHSA-xxxx-test-wdgt',
        modified: '2026-11-20T00:00:00Z',
        summary: 'Prototype pollution in widget',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }],
        affected: [{ package: { ecosystem: 'npm', name: '@acme/widget' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }] }],
        database_specific: { severity: 'MODERATE', cwe_ids: ['CWE-1321'] },
      }),
    );
    const report = await h.admin('POST', '/-/palisade/v1/scanning/import', { source: folder });
    expect(report.body).toMatchObject({ imported: 1, rejudged: { versions: 2, changed: 1 } });
    await waitFor(() => scannedOf('@acme/widget', '1.0.0').length === 2, { message: 'widget rescanned' });
    const rescan = scannedOf('@acme/widget', '1.0.0')[1];
    expect(rescan).toMatchObject({ verdict: Verdict.WARN, rescan: true, advisoryDbVersion: report.body.dbVersion });
    expect(rescan.findings[0].message).toContain('fixed in 1.0.1');
    expect(scannedOf('@acme/widget', '1.0.1')).toHaveLength(1);
  });

  it("answers npm audit with the advisories affecting the requested versions, in npm's shape", async () => {
    const reply = await h.bus.request(
      Commands.scanningAudit.subject,
      encodeMessage(Commands.scanningAudit.request, { packages: [{ name: 'semver', versions: ['7.5.1', '7.6.0'] }, { name: 'lodash', versions: ['4.17.21'] }, { name: 'debug', versions: ['4.4.2'] }] }),
      { timeoutMs: 5_000 },
    );
    const decoded = decodeMessage(Commands.scanningAudit.reply, reply.data);
    expect(decoded.outcome.case).toBe('result');
    const packages = decoded.outcome.case === 'result' ? decoded.outcome.value.packages : [];
    expect(packages.map((p) => p.name)).toEqual(['semver', 'debug']);
    expect(packages[0].advisories[0]).toMatchObject({ advisoryId: 'GHSA-c2qf-rxjj-qqgw', severity: 'moderate', vulnerableVersions: '>=7.0.0 <7.5.2 || >=6.0.0 <6.3.1 || <5.7.2', cvssScore: 5.3 });
    expect(packages[1].advisories[0]).toMatchObject({ advisoryId: 'MAL-2025-46974', severity: 'critical', vulnerableVersions: '=4.4.2' });
    expect(packages[0].advisories[0].id).toBeGreaterThan(0);
  });
});

// npm run bench:scan — the scanning service in-process on the embedded bus and a real PostgreSQL:
// (1) verdict latency per version, from `version.ingested` on the bus to `version.scanned` on the
//     bus (tarball read, heuristics, advisory match, verdict stored, event relayed);
// (2) the time to re-judge 100,000 stored versions after an advisory import that names them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Events, VersionSource, decodeMessage } from '@palisade/contracts';
import { runCleanups, tempDir } from '@palisade/testing';
import { startScanning } from '../../services/scanning/src/__fixtures__/scanning-harness';
import { formatMs, percentile } from './stats';

const VERSIONS = Number(process.env.BENCH_SCAN_VERSIONS ?? 200);
const STORED = Number(process.env.BENCH_SCAN_STORED ?? 100_000);
const NAMES = Number(process.env.BENCH_SCAN_NAMES ?? 1_000);

async function main(): Promise<void> {
  const h = await startScanning({ PALISADE_LOG_LEVEL: 'error' });
  try {
    // (1) latency per version
    const waiting = new Map<string, () => void>();
    await h.bus.consume({ durable: 'bench-scanned', stream: 'REGISTRY', filterSubject: Events.versionScanned.subject, maxDeliver: 3, backoffMs: [50], ackWaitMs: 5_000 }, async (m) => {
      const event = decodeMessage(Events.versionScanned.schema, m.data);
      waiting.get(`${event.name}@${event.version}`)?.();
    });
    const latencies: number[] = [];
    for (let i = 0; i < VERSIONS; i += 1) {
      const manifest = { name: 'bench-scan', version: `1.0.${i}`, scripts: i % 10 === 0 ? { postinstall: 'node setup.js' } : {} };
      const tarball = await h.storeTarball(manifest);
      const done = new Promise<void>((resolve) => waiting.set(`bench-scan@1.0.${i}`, resolve));
      const started = performance.now();
      await h.ingested(`bench-${i}`, { name: 'bench-scan', version: `1.0.${i}`, source: VersionSource.PUBLISHED, tarball, manifest });
      await done;
      latencies.push(performance.now() - started);
    }
    const p50 = percentile(latencies, 50);
    console.log(`verdict latency, ${VERSIONS} published versions (target: < 1 s)`);
    console.log(`  p50 ${formatMs(p50)}  p99 ${formatMs(percentile(latencies, 99))}  max ${formatMs(Math.max(...latencies))}  ${percentile(latencies, 99) < 1000 ? 'target met' : 'TARGET MISSED'}`);

    // (2) re-judge after an import: STORED versions over NAMES names, seeded straight into the store.
    const perName = Math.ceil(STORED / NAMES);
    await h.service.dataSource.query(
      `INSERT INTO palisade_scanning.scanned_version (name, version, integrity, source, manifest, bytes_scanned, heuristic_verdict, heuristic_findings,
         malware_risk, first_scan_advisories, advisory_ids, verdict, vuln_risk, findings, db_version, scan_count)
       SELECT 'bench-stored-' || n, '1.0.' || v, 'sha512-bench-' || n || '-' || v, 2, '{}'::jsonb, true, 'clean', '[]'::jsonb, 0, '{}', '{}', 'clean', 0, '[]'::jsonb, 'seed', 1
         FROM generate_series(1, $1::int) n, generate_series(0, $2::int - 1) v`,
      [NAMES, perName],
    );
    const feed = await tempDir('bench-osv-');
    await mkdir(join(feed, 'npm'));
    // One advisory per name, affecting the lower half of its versions (introduced 0, fixed 1.0.<half>).
    for (let n = 1; n <= NAMES; n += 1) {
      await writeFile(
        join(feed, 'npm', `BENCH-${n}.json`),
        JSON.stringify({
          id: `GHSA-bnch-${n}`,
          modified: '2026-11-01T00:00:00Z',
          summary: `benchmark advisory ${n}`,
          severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }],
          affected: [{ package: { ecosystem: 'npm', name: `bench-stored-${n}` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `1.0.${Math.floor(perName / 2)}` }] }] }],
        }),
      );
    }
    const started = performance.now();
    const report = await h.admin('POST', '/-/palisade/v1/scanning/import', { kind: 'osv', source: feed });
    const elapsed = performance.now() - started;
    if (report.status !== 200) throw new Error(`import answered ${report.status}: ${JSON.stringify(report.body)}`);
    const rejudged = report.body.rejudged as { versions: number; changed: number };
    console.log(`re-judge after importing ${report.body.imported} advisories naming ${NAMES} packages`);
    console.log(`  ${rejudged.versions} stored versions re-judged, ${rejudged.changed} verdicts changed (and emitted) in ${formatMs(elapsed)} (import included)`);
  } finally {
    await h.stop();
    await runCleanups();
  }
}

main().catch(async (error: unknown) => {
  console.error(error);
  await runCleanups();
  process.exit(1);
});

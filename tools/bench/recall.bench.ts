// npm run bench:recall — (1) containment: with BENCH_VERSIONS stored versions (default 20,000,
// every one admitted to dev, staging and prod), the time from sending an advisory import to the
// recall case being enforced in every view (the case's `containedAt`), p50/p99 over
// BENCH_ADVISORIES advisories (default 20) each hitting BENCH_AFFECTED versions of one package;
// (2) the read path with download recording on vs off, in pairs of short trials: req/s and CPU per
// request of full packuments, of tarballs (one client fetching every version in turn, so repeats are
// counted on one entry per batch) and of tarballs where each download comes from a new client (no
// repeats); before it, what recording costs measured alone: the gateway's recorder, and recall's
// indexing of new entries on a real PostgreSQL.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { Events, RecallCaseSchema, decodeMessage, downloadBatchOf, downloadEntriesOf, encodeMessage, timestampMs } from '@palisade/contracts';
import { openServiceStore } from '@palisade/persistence';
import { createMetricsRegistry } from '@palisade/telemetry';
import { createTestDatabase, makeTarball, publishBody, runCleanups, tempDir } from '@palisade/testing';
import { DownloadRecorder } from '../../services/gateway/src/downloads/download-recorder';
import { recallService } from '../../services/recall/src';
import { aggregateDownloads } from '../../services/recall/src/domain/downloads';
import { ExposureStore } from '../../services/recall/src/store/exposure-store';
import type { RegistryRequest } from '../../services/gateway/src/http/registry-request';
import { SCANNING_TOKEN, importOsv, scanningUrl } from '../../e2e/support/scanning-admin';
import { startStack, type Stack, type StackMode } from '../../e2e/support/stack';
import { cpuSecondsOf, formatMs, percentile, treeCpuSecondsOf } from './stats';

const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 20_000);
/** A realistic shape: 400 packages of 50 versions at the default size. */
const VERSIONS_PER_PACKAGE = Number(process.env.BENCH_VERSIONS_PER_PACKAGE ?? 50);
const ADVISORIES = Number(process.env.BENCH_ADVISORIES ?? 20);
const AFFECTED = Number(process.env.BENCH_AFFECTED ?? 5);
const PUBLISH_CONCURRENCY = Number(process.env.BENCH_PUBLISH_CONCURRENCY ?? 32);
// 10 s: recording's work lags the requests by up to a second (batches are paced by the second);
// in 3 s trials that lag fell into the other stack's next trial as often as into its own.
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/** Pairs of trials (recording off, on) per read-path phase. */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 10);
const VIEWS = ['dev', 'staging', 'prod'];

const POLICY = `
teams: {}
views:
  dev: { admit: automatic, verdicts: [clean, warn] }
  staging: { admit: automatic, verdicts: [clean, warn] }
  prod: { admit: automatic, verdicts: [clean, warn] }
`;

const packageName = (p: number) => `bench-recall-${String(p).padStart(4, '0')}`;
const versionOf = (v: number) => `1.${Math.floor(v / 10)}.${v % 10}`;

async function publish(stack: Stack, name: string, version: string): Promise<void> {
  const manifest = { name, version, description: 'recall benchmark package' };
  const tarball = makeTarball([
    { path: 'package/package.json', content: JSON.stringify(manifest) },
    { path: 'package/index.js', content: `module.exports = ${JSON.stringify(version)};\n` },
  ]);
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${stack.registry('dev')}${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify(publishBody(manifest, tarball)),
    });
    if (response.status === 201) return;
    const body = await response.text();
    // A loaded machine can run a publish past its time budget (422, nothing recorded): try again, like a client would.
    const transient = response.status >= 500 || (response.status === 422 && body.includes('time budget'));
    if (attempt >= (transient ? 10 : 3)) throw new Error(`publish ${name}@${version} answered ${response.status}: ${body}`);
    if (transient) await new Promise((r) => setTimeout(r, 1_000 * attempt));
  }
}

/** Publishes every version (a few in parallel) and waits until prod lists the last one of each package. */
async function seed(stack: Stack): Promise<number> {
  const packages = Math.ceil(VERSIONS / VERSIONS_PER_PACKAGE);
  const jobs: Array<[string, string]> = [];
  for (let v = 0; v < VERSIONS_PER_PACKAGE; v += 1) for (let p = 0; p < packages && jobs.length < VERSIONS; p += 1) jobs.push([packageName(p), versionOf(v)]);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PUBLISH_CONCURRENCY }, async () => {
      while (next < jobs.length) {
        const job = next++;
        const [name, version] = jobs[job];
        await publish(stack, name, version);
        if ((job + 1) % 1000 === 0) {
          const seconds = (performance.now() - started) / 1000;
          process.stdout.write(`  ${job + 1} published (${seconds.toFixed(0)} s, ${((job + 1) / seconds).toFixed(1)}/s)\n`);
        }
      }
    }),
  );
  for (let p = 0; p < packages; p += 1) {
    const expected = jobs.filter(([name]) => name === packageName(p)).length;
    for (;;) {
      const doc = (await (await fetch(`${stack.registry('prod')}${packageName(p)}`)).json().catch(() => ({}))) as { versions?: Record<string, unknown> };
      if (Object.keys(doc.versions ?? {}).length >= expected) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return packages;
}

/** Imports one advisory for AFFECTED versions of a package; answers ms from sending the import to the case being enforced in every view. */
async function containOnce(stack: Stack, scanning: string, index: number, packages: number): Promise<number> {
  const name = packageName(index % packages);
  const versions = Array.from({ length: AFFECTED }, (_, k) => versionOf(VERSIONS_PER_PACKAGE - 1 - k));
  const id = `GHSA-bnch-rcll-${String(index).padStart(4, '0')}`;
  const sent = Date.now();
  await importOsv(scanning, [
    { schema_version: '1.4.0', id, modified: new Date().toISOString(), published: new Date().toISOString(), summary: `benchmark advisory ${index}`, affected: [{ package: { ecosystem: 'npm', name }, versions }], database_specific: { severity: 'HIGH' } },
  ]);
  for (;;) {
    const response = await fetch(`${stack.baseUrl}/-/palisade/v1/recalls?name=${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    const cases = (((await response.json()) as { recalls?: unknown[] }).recalls ?? []).map((c) => fromJson(RecallCaseSchema, c as JsonValue, { ignoreUnknownFields: true }));
    const found = cases.find((c) => c.advisoryId === id);
    if (found?.containedAt) {
      if (found.affected.length !== AFFECTED) throw new Error(`${id}: the case covers ${found.affected.length} versions, expected ${AFFECTED}`);
      return timestampMs(found.containedAt) - sent;
    }
    if (Date.now() - sent > 120_000) throw new Error(`${id}: not contained after 120 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function containment(mode: StackMode): Promise<void> {
  const dir = await tempDir('palisade-bench-recall-');
  await writeFile(join(dir, 'policy.yaml'), POLICY);
  const stack = await startStack(mode, { PALISADE_POLICY_FILE: join(dir, 'policy.yaml'), PALISADE_SCANNING_ADMIN_TOKEN: SCANNING_TOKEN });
  try {
    const seeding = performance.now();
    const packages = await seed(stack);
    console.log(`${mode}: ${VERSIONS} versions of ${packages} packages stored and admitted to ${VIEWS.join(', ')} in ${((performance.now() - seeding) / 1000).toFixed(0)} s`);
    const scanning = await scanningUrl(stack);
    const samples: number[] = [];
    for (let i = 0; i < ADVISORIES; i += 1) samples.push(await containOnce(stack, scanning, i, packages));
    const p99 = percentile(samples, 99);
    console.log(
      `${mode.padEnd(12)} advisory import → ${AFFECTED} versions enforced in ${VIEWS.length} views: p50 ${formatMs(percentile(samples, 50))}  p99 ${formatMs(p99)}  max ${formatMs(Math.max(...samples))}  ${p99 < 5_000 ? 'target met (p99 < 5 s)' : 'TARGET MISSED (p99 < 5 s)'}`,
    );
  } finally {
    await stack.stop();
  }
}

interface ReadSample {
  rps: number;
  /** CPU milliseconds the stack (Node and PostgreSQL processes) spent per request, the load generator excluded. */
  cpuMsPerRequest: number;
}

async function stackCpuSeconds(stack: Stack): Promise<number> {
  let total = 0;
  for (const child of stack.processes()) total += await treeCpuSecondsOf(child.pid);
  return total;
}

interface Phase {
  label: string;
  /** Tarball requests (every version in turn) instead of the packument. */
  tarballs?: boolean;
  /** A new user agent on every request, so that no two downloads are the same entry for the recorder. */
  distinct?: boolean;
  /** Requests per second in all, instead of as many as 16 connections get answered. */
  rate?: number;
  /** No requests: what the stack spends on its own (CPU per request is then CPU ms per second). */
  idle?: boolean;
}

/** Requests per second of the fixed-rate phases: well below saturation on 2 cores, so CPU per request is not inflated by contention. */
const FIXED_RATE = Number(process.env.BENCH_FIXED_RATE ?? 300);

const PHASES: Record<string, Phase> = {
  idle: { label: 'idle (CPU ms per second)', idle: true },
  packument: { label: 'full packument' },
  tarball: { label: 'tarball, one client fetching each version in turn', tarballs: true },
  distinct: { label: 'tarball, each download a new client', tarballs: true, distinct: true },
  tarballAtRate: { label: `tarball at ${FIXED_RATE} req/s, one client`, tarballs: true, rate: FIXED_RATE },
  distinctAtRate: { label: `tarball at ${FIXED_RATE} req/s, each download a new client`, tarballs: true, distinct: true, rate: FIXED_RATE },
};

/** BENCH_READ_PHASES: the read-path phases to run, by key (all by default). */
const READ_PHASES = process.env.BENCH_READ_PHASES?.split(',') ?? Object.keys(PHASES);

async function measure(stack: Stack, packument: string, phase: Phase): Promise<ReadSample> {
  const headers = { authorization: `Bearer ${stack.adminToken}` };
  let sent = 0;
  const tagged = (request: autocannon.Request) => ({ ...request, headers: { ...request.headers, 'user-agent': `bench-client/${(sent += 1)}` } });
  const requests = phase.tarballs
    ? Array.from({ length: READ_VERSIONS }, (_, v) => ({
        method: 'GET' as const,
        path: new URL(`${packument}/-/bench-downloads-${versionOf(v)}.tgz`).pathname,
        ...(phase.distinct ? { setupRequest: tagged } : {}),
      }))
    : undefined;
  const cpuBefore = await stackCpuSeconds(stack);
  if (phase.idle) {
    await new Promise((r) => setTimeout(r, DURATION_S * 1000));
    return { rps: 0, cpuMsPerRequest: (((await stackCpuSeconds(stack)) - cpuBefore) * 1000) / DURATION_S };
  }
  const result = await autocannon({ url: packument, connections: 16, duration: DURATION_S, headers, ...(requests ? { requests } : {}), ...(phase.rate ? { overallRate: phase.rate } : {}) });
  const cpu = (await stackCpuSeconds(stack)) - cpuBefore;
  if (result.errors + result.timeouts + result.non2xx > 0) throw new Error(`${phase.label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, cpuMsPerRequest: (cpu * 1000) / Math.max(1, result.requests.total) };
}

/** Versions of the read-path package; each round fetches all their tarballs in turn. */
const READ_VERSIONS = 20;

/** A stack with READ_VERSIONS versions of one package in dev, with download recording on or off. */
async function readStack(mode: StackMode, record: boolean): Promise<{ stack: Stack; packument: string }> {
  // BENCH_PALISADE_NODE_OPTIONS reaches only the Palisade processes (e.g. a profiling preload).
  const nodeOptions = process.env.BENCH_PALISADE_NODE_OPTIONS;
  const stack = await startStack(mode, { PALISADE_DOWNLOADS_RECORD: String(record), ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) });
  for (let v = 0; v < READ_VERSIONS; v += 1) await publish(stack, 'bench-downloads', versionOf(v));
  const packument = `${stack.registry('dev')}bench-downloads`;
  for (;;) {
    const doc = (await (await fetch(packument)).json().catch(() => ({}))) as { versions?: Record<string, unknown> };
    if (Object.keys(doc.versions ?? {}).length === READ_VERSIONS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { stack, packument };
}

/** A phase's figures: the median of each side, and the median and quartiles of the per-pair change (on vs off). */
interface PhaseFigures {
  off: ReadSample;
  on: ReadSample;
  /** Per pair, (on − off) / off of req/s, or of CPU per request for the idle and fixed-rate phases. */
  change: { p25: number; median: number; p75: number };
}

/** What a pair compares: req/s where the load saturates the stack, otherwise CPU (per request, or per second when idle). */
const comparedOf = (phase: Phase, sample: ReadSample): number => (phase.idle || phase.rate ? sample.cpuMsPerRequest : sample.rps);

/**
 * Recording off vs on in pairs: both stacks up at once, each phase measured on one stack and at
 * once on the other (the order flipping each pair), PAIRS times in short trials. Neighbours on a
 * shared machine drift over seconds to minutes; two trials seconds apart see the same drift, so
 * the median of the per-pair changes is steadier than the change between two medians of long
 * rounds (which moved 6–17 % in A/A runs). Saturating phases compare req/s; the idle and
 * fixed-rate phases compare CPU (Node and PostgreSQL), which is what recording costs.
 */
async function readPath(mode: StackMode): Promise<Record<string, PhaseFigures>> {
  // Started together: a stack started a minute after the other ran its first rounds 10–17 % slower
  // in an A/A run (recording off on both sides), a head start the alternating trials did not undo.
  const [off, on] = await Promise.all([readStack(mode, false), readStack(mode, process.env.BENCH_AA !== '1')]);
  const stacks = { off, on };
  try {
    const figures: Record<string, PhaseFigures> = {};
    for (const [key, phase] of Object.entries(PHASES).filter(([k]) => READ_PHASES.includes(k))) {
      // One pair first warms both stacks up for this phase (JIT, caches, connection pools) and is not counted.
      const samples = { off: [] as ReadSample[], on: [] as ReadSample[] };
      const changes: number[] = [];
      for (let pair = -1; pair < PAIRS; pair += 1) {
        const sides = Math.abs(pair) % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
        const trial = { off: undefined as ReadSample | undefined, on: undefined as ReadSample | undefined };
        for (const side of sides) trial[side] = await measure(stacks[side].stack, stacks[side].packument, phase);
        if (pair < 0 || !trial.off || !trial.on) continue;
        samples.off.push(trial.off);
        samples.on.push(trial.on);
        changes.push((comparedOf(phase, trial.on) - comparedOf(phase, trial.off)) / comparedOf(phase, trial.off));
      }
      const median = (xs: ReadSample[]): ReadSample => ({ rps: percentile(xs.map((x) => x.rps), 50), cpuMsPerRequest: percentile(xs.map((x) => x.cpuMsPerRequest), 50) });
      figures[key] = { off: median(samples.off), on: median(samples.on), change: { p25: percentile(changes, 25), median: percentile(changes, 50), p75: percentile(changes, 75) } };
      const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
      console.log(`${mode.padEnd(12)} ${phase.label}, per pair (on vs off): ${changes.map(pct).join(' ')}`);
    }
    return figures;
  } finally {
    await stacks.off.stack.stop();
    await stacks.on.stack.stop();
  }
}

/**
 * CPU microseconds per download that recording adds to the gateway's process, measured on the
 * recorder alone (no HTTP, no stack, so none of the machine's spread): a repeat of an entry that
 * is waiting, and a new entry with its share of encoding the batch. The database write is faked;
 * the token lookup is stood for by the hash the authenticator computes.
 */
async function recorderCost(): Promise<{ repeatUs: number; newEntryUs: number }> {
  const tx = { queryRunner: { isTransactionActive: true }, connection: { options: { schema: 'bench' } }, query: async () => [] };
  const dataSource = { transaction: async (work: (t: typeof tx) => Promise<unknown>) => work(tx) };
  const quiet = { warn: () => undefined, error: () => undefined };
  const recorder = new DownloadRecorder(dataSource as never, { recordDownloads: true } as never, quiet as never, createMetricsRegistry({ service: 'bench', defaultMetrics: false }));
  const authorization = `Bearer pal_${'x'.repeat(40)}`;
  const principal = { user: 'ci-deployer', tokenId: 'k1', readonly: true, admin: false };
  const request = (userAgent: string) =>
    ({
      view: 'dev',
      head: false,
      headers: { 'user-agent': userAgent, authorization },
      principal: async () => {
        createHash('sha256').update(authorization).digest('hex');
        return principal;
      },
    }) as unknown as RegistryRequest;
  const perDownload = async (count: number, userAgentOf: (i: number) => string): Promise<number> => {
    const requests = Array.from({ length: count }, (_, i) => request(userAgentOf(i)));
    const started = process.cpuUsage();
    for (let i = 0; i < count; i += 1) {
      recorder.recordTarball(requests[i], { name: 'bench-downloads', version: versionOf(i % READ_VERSIONS), integrity: 'sha512-bench' });
      // A server turns its event loop between requests, which lets full batches be written; a
      // loop that never yields fills the buffer and measures dropping instead.
      if (i % 100 === 99) await new Promise(setImmediate);
    }
    await recorder.flush();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / count;
  };
  const npm = 'npm/11.6.0 node/v20.19.0 linux x64 workspaces/false ci/github-actions';
  let client = 0;
  const newClient = () => `bench-client/${(client += 1)}`;
  // Warms the JIT up; not counted.
  await perDownload(20_000, () => npm);
  await perDownload(20_000, newClient);
  return { repeatUs: await perDownload(200_000, () => npm), newEntryUs: await perDownload(100_000, newClient) };
}

const INDEX_BATCH = 300;
const INDEX_BATCHES = 200;
const INDEX_PREFILL = 60_000;

/**
 * CPU microseconds per new entry that the recall service spends indexing downloads (decode, add up,
 * upsert into its `download` table), in this process and in its PostgreSQL backends, on a real
 * database that already holds INDEX_PREFILL rows. Autovacuum of the table and the outbox, bus and
 * inbox work around each batch are not in it.
 */
async function indexingCost(): Promise<{ nodeUs: number; postgresUs: number }> {
  const dataSource = await openServiceStore({ url: await createTestDatabase('bench_recall_index'), schema: 'palisade_recall', migrations: [...(recallService.migrations ?? [])], poolSize: 2 });
  const backendsCpu = async () => {
    const backends = (await dataSource.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')) as Array<{ pid: number }>;
    let seconds = 0;
    for (const { pid } of backends) seconds += await cpuSecondsOf(pid);
    return seconds;
  };
  try {
    const { schema } = Events.downloadRecorded;
    let client = 0;
    const batch = () => {
      const now = Date.now();
      const entries = Array.from({ length: INDEX_BATCH }, (_, i) => ({
        name: 'bench-downloads',
        version: versionOf(i % READ_VERSIONS),
        integrity: 'sha512-bench',
        view: 'dev',
        principal: 'ci-deployer',
        tokenId: 'k1',
        userAgent: `bench-client/${(client += 1)}`,
        firstAt: now,
        lastAt: now,
        count: 1,
      }));
      return encodeMessage(schema, downloadBatchOf(entries));
    };
    // As recall's handler does it, without the bus around it.
    const index = async (data: Uint8Array) => {
      const rows = aggregateDownloads(downloadEntriesOf(decodeMessage(schema, data), Date.now()));
      await dataSource.transaction((tx) => ExposureStore.addDownloads(tx, rows));
    };
    for (let b = 0; b < INDEX_PREFILL / INDEX_BATCH; b += 1) await index(batch());
    const batches = Array.from({ length: INDEX_BATCHES }, batch);
    const [node, postgres] = [process.cpuUsage(), await backendsCpu()];
    for (const data of batches) await index(data);
    const used = process.cpuUsage(node);
    const entries = INDEX_BATCHES * INDEX_BATCH;
    return { nodeUs: (used.user + used.system) / entries, postgresUs: (((await backendsCpu()) - postgres) * 1e6) / entries };
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const modes = (process.env.BENCH_MODES ?? 'embedded').split(',') as StackMode[];
  for (const mode of modes) {
    if (process.env.BENCH_SKIP_CONTAINMENT !== '1') await containment(mode);
    const cost = await recorderCost();
    console.log(`${mode.padEnd(12)} the recorder alone (no HTTP, database write faked): ${cost.repeatUs.toFixed(2)} µs CPU per download repeating a waiting entry, ${cost.newEntryUs.toFixed(2)} µs per new entry (its share of encoding the batch included)`);
    const indexing = await indexingCost();
    console.log(`${mode.padEnd(12)} recall indexing alone (batches of ${INDEX_BATCH} new entries into a table of ${INDEX_PREFILL.toLocaleString('en')} rows): ${indexing.nodeUs.toFixed(2)} µs CPU in Node + ${indexing.postgresUs.toFixed(2)} µs in PostgreSQL per new entry`);
    if (process.env.BENCH_SKIP_READ === '1') continue;
    const figures = await readPath(mode);
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
    console.log(`${mode.padEnd(12)} read path, 16 connections, ${PAIRS} pairs of ${DURATION_S} s trials, recording off vs on (target: within 5 %):`);
    for (const [key, phase] of Object.entries(PHASES).filter(([k]) => READ_PHASES.includes(k))) {
      const { off, on, change } = figures[key];
      const spread = `median ${pct(change.median)} (quartiles ${pct(change.p25)} … ${pct(change.p75)})`;
      if (phase.idle) {
        console.log(`${mode.padEnd(12)} ${phase.label}: off ${off.cpuMsPerRequest.toFixed(0)}, on ${on.cpuMsPerRequest.toFixed(0)}; CPU change per pair ${spread}`);
        continue;
      }
      const compared = phase.rate ? 'CPU per request' : 'req/s';
      if (phase.rate) {
        const addedUs = phase.distinct ? cost.newEntryUs : cost.repeatUs;
        console.log(`${mode.padEnd(12)} ${phase.label}: the recorder alone adds ${addedUs.toFixed(2)} µs per download, ${((addedUs / (off.cpuMsPerRequest * 1000)) * 100).toFixed(2)} % of the CPU a request costs the stack with recording off`);
      }
      console.log(
        `${mode.padEnd(12)} ${phase.label}: req/s off ${off.rps.toFixed(0)}, on ${on.rps.toFixed(0)}; CPU per request off ${off.cpuMsPerRequest.toFixed(3)} ms, on ${on.cpuMsPerRequest.toFixed(3)} ms; ` +
          `${compared} change per pair ${spread}${phase.rate ? '' : Math.abs(change.median) <= 0.05 ? '  within 5 %' : '  NOT within 5 %'}`,
      );
    }
  }
  await runCleanups();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await runCleanups();
  process.exit(1);
});

// npm run bench:recall — (1) containment: with BENCH_VERSIONS stored versions (default 20,000,
// every one admitted to dev, staging and prod), the time from sending an advisory import to the
// recall case being enforced in every view (the case's `containedAt`), p50/p99 over
// BENCH_ADVISORIES advisories (default 20) each hitting BENCH_AFFECTED versions of one package;
// (2) the read path with download recording on vs off: full packument and tarball req/s.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { RecallCaseSchema, timestampMs } from '@palisade/contracts';
import { makeTarball, publishBody, runCleanups, tempDir } from '@palisade/testing';
import { SCANNING_TOKEN, importOsv, scanningUrl } from '../../e2e/support/scanning-admin';
import { startStack, type Stack, type StackMode } from '../../e2e/support/stack';
import { formatMs, percentile } from './stats';

const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 20_000);
/** A realistic shape: 400 packages of 50 versions at the default size. */
const VERSIONS_PER_PACKAGE = Number(process.env.BENCH_VERSIONS_PER_PACKAGE ?? 50);
const ADVISORIES = Number(process.env.BENCH_ADVISORIES ?? 20);
const AFFECTED = Number(process.env.BENCH_AFFECTED ?? 5);
const PUBLISH_CONCURRENCY = Number(process.env.BENCH_PUBLISH_CONCURRENCY ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const READ_ROUNDS = Number(process.env.BENCH_READ_ROUNDS ?? 7);
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

async function rps(url: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, connections: 16, duration: DURATION_S, headers });
  if (result.errors + result.timeouts + result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** A stack with 20 versions of one package in dev, with download recording on or off. */
async function readStack(mode: StackMode, record: boolean): Promise<{ stack: Stack; packument: string }> {
  // BENCH_PALISADE_NODE_OPTIONS reaches only the Palisade processes (e.g. a profiling preload).
  const nodeOptions = process.env.BENCH_PALISADE_NODE_OPTIONS;
  const stack = await startStack(mode, { PALISADE_DOWNLOADS_RECORD: String(record), ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) });
  for (let v = 0; v < 20; v += 1) await publish(stack, 'bench-downloads', versionOf(v));
  const packument = `${stack.registry('dev')}bench-downloads`;
  for (;;) {
    const doc = (await (await fetch(packument)).json().catch(() => ({}))) as { versions?: Record<string, unknown> };
    if (Object.keys(doc.versions ?? {}).length === 20) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { stack, packument };
}

/**
 * Recording off vs on, both stacks up at once and measured in alternating rounds (the order
 * flipping each round), median per stack: other load on the machine drifts over minutes and
 * would otherwise land on one side only.
 */
async function readPath(mode: StackMode): Promise<Record<'off' | 'on', { packument: number; tarball: number }>> {
  const stacks = { off: await readStack(mode, false), on: await readStack(mode, process.env.BENCH_AA !== '1') };
  try {
    const samples = { off: { packument: [] as number[], tarball: [] as number[] }, on: { packument: [] as number[], tarball: [] as number[] } };
    // Round -1 warms both stacks up (JIT, caches, connection pools) and is not counted.
    for (let round = -1; round < READ_ROUNDS; round += 1) {
      for (const side of Math.abs(round) % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const { stack, packument } = stacks[side];
        const auth = { authorization: `Bearer ${stack.adminToken}` };
        const packumentRps = await rps(packument, auth);
        const tarballRps = await rps(`${packument}/-/bench-downloads-${versionOf(0)}.tgz`, auth);
        if (round < 0) continue;
        samples[side].packument.push(packumentRps);
        samples[side].tarball.push(tarballRps);
      }
    }
    const median = (xs: number[]) => percentile(xs, 50);
    for (const side of ['off', 'on'] as const) {
      console.log(`${mode.padEnd(12)} recording ${side.padEnd(3)} rounds, req/s: packument ${samples[side].packument.map((x) => x.toFixed(0)).join(' ')}; tarball ${samples[side].tarball.map((x) => x.toFixed(0)).join(' ')}`);
    }
    return {
      off: { packument: median(samples.off.packument), tarball: median(samples.off.tarball) },
      on: { packument: median(samples.on.packument), tarball: median(samples.on.tarball) },
    };
  } finally {
    await stacks.off.stack.stop();
    await stacks.on.stack.stop();
  }
}

async function main(): Promise<void> {
  const modes = (process.env.BENCH_MODES ?? 'embedded').split(',') as StackMode[];
  for (const mode of modes) {
    if (process.env.BENCH_SKIP_CONTAINMENT !== '1') await containment(mode);
    if (process.env.BENCH_SKIP_READ === '1') continue;
    const { off, on } = await readPath(mode);
    const change = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)} %`;
    console.log(`${mode.padEnd(12)} read path, 16 connections, median of ${READ_ROUNDS} alternating rounds of ${DURATION_S} s:`);
    console.log(`${mode.padEnd(12)} full packument req/s: recording off ${off.packument.toFixed(0)}, on ${on.packument.toFixed(0)} (${change(off.packument, on.packument)})`);
    console.log(`${mode.padEnd(12)} tarball req/s:        recording off ${off.tarball.toFixed(0)}, on ${on.tarball.toFixed(0)} (${change(off.tarball, on.tarball)}); target: within 5 %`);
  }
  await runCleanups();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await runCleanups();
  process.exit(1);
});

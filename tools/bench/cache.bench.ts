// npm run bench:cache — `npm install` of a dependency tree read through Palisade's dev view from a
// local upstream: cold (Palisade fetches, verifies, stores, scans, signs and admits everything on
// the way), warm (everything cached), against the same install straight from that upstream. Each
// install starts with an empty npm cache, so the registry side is what differs.
//
// BENCH_TREE=real (default): the recorded real-world tree of e2e/fixtures/real-tree (express,
// eslint, @babel/core, request… about 260 packages, their whole packuments).
// BENCH_TREE=synthetic: a generated tree of BENCH_TREE_SIZE (100) one-version packages, then a
// package with a long history (BENCH_HISTORY versions): its first packument, and tarballs of old
// versions judged on demand.
import { resolve } from 'node:path';
import { runCleanups, runCommand, startFixtureUpstream, startRecordedUpstream, type FixtureRequest } from '@palisade/testing';
import { NpmUser } from '../../e2e/support/npm-cli';
import { startStack, type StackMode } from '../../e2e/support/stack';
import { formatMs, percentile } from './stats';

const TREE = process.env.BENCH_TREE ?? 'real';
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 3);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 300);
const HISTORY_NAME = 'bench-history';
/** Old versions whose tarballs are asked for, one after the other, each judged on demand. */
const ON_DEMAND = 5;
const INSTALL_TIMEOUT_MS = 900_000;

/** Where the tree comes from, whichever kind of upstream serves it. */
interface Source {
  url: string;
  dependencies: Record<string, string>;
  /** Packages npm installs from it. */
  expected: number;
  requests(): readonly FixtureRequest[];
  clearRequests(): void;
  stop(): Promise<void>;
}

async function timedInstall(registry: string, source: Source): Promise<number> {
  const user = await NpmUser.create(registry);
  const project = await user.project({ name: 'bench-cache-app', version: '1.0.0', private: true, dependencies: source.dependencies });
  const started = performance.now();
  const result = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, env: user.env(), timeoutMs: INSTALL_TIMEOUT_MS });
  const elapsed = performance.now() - started;
  if (result.code !== 0) throw new Error(`npm install through ${registry} failed:\n${result.stderr}`);
  const added = /added (\d+) packages?/.exec(result.stdout)?.[1];
  if (Number(added) !== source.expected) throw new Error(`expected ${source.expected} packages installed, npm said: ${result.stdout.trim()}`);
  return elapsed;
}

const tarballFetches = (source: Source) => source.requests().filter((r) => r.kind === 'tarball' && r.status === 200).length;

async function measure(mode: StackMode, source: Source, direct: number): Promise<void> {
  const stack = await startStack(mode, { PALISADE_UPSTREAM_URL: source.url, PALISADE_UPSTREAM_TIMEOUT: '30s' });
  try {
    const registry = stack.registry('dev');
    source.clearRequests();
    const cold = await timedInstall(registry, source);
    const coldFetches = tarballFetches(source);
    source.clearRequests();
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i += 1) warm.push(await timedInstall(registry, source));
    const warmP50 = percentile(warm, 50);
    console.log(
      `${mode.padEnd(12)} cold ${formatMs(cold)} (${(cold / direct).toFixed(2)}× direct, ${coldFetches} tarballs fetched upstream)  ` +
        `warm p50 ${formatMs(warmP50)} (${(warmP50 / direct).toFixed(2)}× direct, ${tarballFetches(source)} tarballs fetched upstream)`,
    );
    if (TREE === 'synthetic') await measureHistory(mode, registry);
  } finally {
    await stack.stop();
  }
}

/** First packument of a long history, and tarballs of old versions judged when asked for. */
async function measureHistory(mode: StackMode, registry: string): Promise<void> {
  const started = performance.now();
  const response = await fetch(`${registry}${HISTORY_NAME}`, { headers: { accept: 'application/vnd.npm.install-v1+json' } });
  const first = performance.now() - started;
  if (response.status !== 200) throw new Error(`the first packument of ${HISTORY_NAME} answered ${response.status}: ${await response.text()}`);
  const listed = Object.keys(((await response.json()) as { versions: Record<string, unknown> }).versions).length;
  const tarballs: number[] = [];
  for (let i = 0; i < ON_DEMAND; i += 1) {
    const version = `1.0.${Math.floor((i * HISTORY) / ON_DEMAND / 2)}`;
    const at = performance.now();
    const tarball = await fetch(`${registry}${HISTORY_NAME}/-/${HISTORY_NAME}-${version}.tgz`);
    await tarball.arrayBuffer();
    if (tarball.status !== 200) throw new Error(`${HISTORY_NAME}@${version} answered ${tarball.status}`);
    tarballs.push(performance.now() - at);
  }
  console.log(
    `${mode.padEnd(12)} first packument of ${HISTORY} versions ${formatMs(first)} (${listed} listed)  old version's tarball, judged on demand: p50 ${formatMs(percentile(tarballs, 50))}, max ${formatMs(Math.max(...tarballs))}`,
  );
}

async function openSource(): Promise<Source> {
  if (TREE === 'real') {
    const upstream = await startRecordedUpstream(resolve(__dirname, '../../e2e/fixtures/real-tree'));
    // npm's own tree of the recording: what it locks, less platform-specific optional packages it skips here.
    const expected = Number(process.env.BENCH_REAL_PACKAGES ?? 261);
    return { url: upstream.url, dependencies: upstream.tree.roots, expected, requests: () => upstream.requests, clearRequests: () => upstream.clearRequests(), stop: () => upstream.stop() };
  }
  const packages = Number(process.env.BENCH_TREE_SIZE ?? 100);
  const upstream = await startFixtureUpstream();
  const root = upstream.addTree({ count: packages, prefix: 'bench-tree' });
  const old = new Date(Date.now() - 100 * 3_600_000);
  upstream.addPackage({ name: HISTORY_NAME, versions: Array.from({ length: HISTORY }, (_, i) => ({ version: `1.0.${i}`, publishedAt: old })) });
  return { url: upstream.url, dependencies: { [root]: '*' }, expected: packages, requests: () => upstream.requests, clearRequests: () => upstream.clearRequests(), stop: () => upstream.stop() };
}

async function main(): Promise<void> {
  const source = await openSource();
  const direct: number[] = [];
  for (let i = 0; i < WARM_RUNS; i += 1) direct.push(await timedInstall(source.url, source));
  const directP50 = percentile(direct, 50);
  console.log(`npm install of the ${TREE} tree (${source.expected} packages), empty npm cache each time; targets: cold ≤ 1.5× direct, warm ≤ direct`);
  console.log(`${'upstream'.padEnd(12)} direct p50 ${formatMs(directP50)}`);
  const modes = (process.env.BENCH_MODES ?? 'embedded,distributed').split(',') as StackMode[];
  for (const mode of modes) await measure(mode, source, directP50);
  await source.stop();
  await runCleanups();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await runCleanups();
  process.exit(1);
});

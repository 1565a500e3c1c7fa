// npm run bench:cache — `npm install` of a 100-package tree read through Palisade from a local
// fixture upstream: cold (Palisade fetches, verifies, stores and signs everything on the way),
// warm (everything cached), against the same install straight from the fixture. Each install
// starts with an empty npm cache, so the registry side is what differs. Then a package with a long
// history (BENCH_HISTORY versions): how long its first packument takes and how many versions it
// lists, and how long the tarball of an old version takes when it is judged on demand.
import { runCleanups, startFixtureUpstream, type FixtureUpstream } from '@palisade/testing';
import { NpmUser } from '../../e2e/support/npm-cli';
import { startStack, type StackMode } from '../../e2e/support/stack';
import { formatMs, percentile } from './stats';

const PACKAGES = Number(process.env.BENCH_TREE_SIZE ?? 100);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 3);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 300);
const HISTORY_NAME = 'bench-history';
/** Old versions whose tarballs are asked for, one after the other, each judged on demand. */
const ON_DEMAND = 5;

async function timedInstall(registry: string, root: string): Promise<number> {
  const user = await NpmUser.create(registry);
  const project = await user.project({ name: 'bench-cache-app', version: '1.0.0', private: true, dependencies: { [root]: '*' } });
  const started = performance.now();
  const result = await user.npm(['install', '--no-audit', '--no-fund', '--ignore-scripts'], project);
  const elapsed = performance.now() - started;
  if (result.code !== 0) throw new Error(`npm install through ${registry} failed:\n${result.stderr}`);
  const added = /added (\d+) packages?/.exec(result.stdout)?.[1];
  if (Number(added) !== PACKAGES) throw new Error(`expected ${PACKAGES} packages installed, npm said: ${result.stdout.trim()}`);
  return elapsed;
}

async function measure(mode: StackMode, upstream: FixtureUpstream, root: string): Promise<void> {
  const stack = await startStack(mode, { PALISADE_UPSTREAM_URL: upstream.url });
  try {
    const registry = stack.registry('dev');
    upstream.clearRequests();
    const cold = await timedInstall(registry, root);
    const coldFetches = upstream.requests.filter((r) => r.kind === 'tarball').length;
    upstream.clearRequests();
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i += 1) warm.push(await timedInstall(registry, root));
    const warmTarballs = upstream.requests.filter((r) => r.kind === 'tarball').length;
    console.log(
      `${mode.padEnd(12)} cold ${formatMs(cold)} (${coldFetches} tarballs fetched upstream)  warm p50 ${formatMs(percentile(warm, 50))} (${warmTarballs} tarballs fetched upstream)`,
    );
    await measureHistory(mode, registry);
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

async function main(): Promise<void> {
  const upstream = await startFixtureUpstream();
  const root = upstream.addTree({ count: PACKAGES, prefix: 'bench-tree' });
  const old = new Date(Date.now() - 100 * 3_600_000);
  upstream.addPackage({ name: HISTORY_NAME, versions: Array.from({ length: HISTORY }, (_, i) => ({ version: `1.0.${i}`, publishedAt: old })) });
  const direct: number[] = [];
  for (let i = 0; i < WARM_RUNS; i += 1) direct.push(await timedInstall(upstream.url, root));
  console.log(`npm install of a ${PACKAGES}-package tree, empty npm cache each time`);
  console.log(`${'fixture'.padEnd(12)} direct p50 ${formatMs(percentile(direct, 50))}`);
  const modes = (process.env.BENCH_MODES ?? 'embedded,distributed').split(',') as StackMode[];
  for (const mode of modes) await measure(mode, upstream, root);
  await upstream.stop();
  await runCleanups();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await runCleanups();
  process.exit(1);
});

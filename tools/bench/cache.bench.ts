// npm run bench:cache — `npm install` of a 100-package tree read through Palisade from a local
// fixture upstream: cold (Palisade fetches, verifies, stores and signs everything on the way),
// warm (everything cached), against the same install straight from the fixture. Each install
// starts with an empty npm cache, so the registry side is what differs.
import { runCleanups, startFixtureUpstream, type FixtureUpstream } from '@palisade/testing';
import { NpmUser } from '../../e2e/support/npm-cli';
import { startStack, type StackMode } from '../../e2e/support/stack';
import { formatMs, percentile } from './stats';

const PACKAGES = Number(process.env.BENCH_TREE_SIZE ?? 100);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 3);

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
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const upstream = await startFixtureUpstream();
  const root = upstream.addTree({ count: PACKAGES, prefix: 'bench-tree' });
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

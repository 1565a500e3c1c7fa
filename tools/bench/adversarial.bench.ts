// npm run bench:adversarial — normal installs while hostile requests hammer the gateway: the p50/p99
// of `npm install` (fresh cache, a 10-package tree) idle and under attack, and the Palisade
// process's peak RSS, embedded mode. Target: p99 under attack within 2× of idle.
// The hostile loop (bounded in count and time, loopback only), round robin over two kinds of
// attacker. Anonymous (no token, as most attackers): gzip bombs to login, 60 MiB publishes,
// 7,500-word searches, password guessing. An insider (a compromised or malicious ordinary user's
// token, no admin rights): 60 MiB JSON publishes to a new name, which pass the token check and are
// read and parsed in full before being refused; a tarball with data after its end-of-archive
// blocks; `__proto__` dist-tags. Hostile bodies are built once, so the attacking clients (on the
// same 2 cores) spend their CPU sending rather than building them. They run in a process of their
// own (adversarial-attackers.ts), so their big sends do not delay the timing of the installs.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { makeTarball, publishBody, runCleanups, spawnNode } from '@palisade/testing';
import { NpmUser } from '../../e2e/support/npm-cli';
import { startStack, type Stack } from '../../e2e/support/stack';
import { cpuSecondsOf, formatMs, percentile } from './stats';

// 100 installs per phase: the p99 of 40 samples is their maximum, a single outlier; of 100 it is the
// 99th, so one stall (of the machine, not of Palisade) no longer decides the figure alone.
const INSTALLS = Number(process.env.BENCH_INSTALLS ?? 100);
const ATTACKERS = Number(process.env.BENCH_ATTACKERS ?? 4);
const PACKAGES = 10;

async function publish(stack: Stack, manifest: { name: string; version: string; dependencies?: Record<string, string> }): Promise<void> {
  const tarball = makeTarball([
    { path: 'package/package.json', content: JSON.stringify(manifest) },
    { path: 'package/index.js', content: 'module.exports = 1;\n' },
  ]);
  const response = await fetch(`${stack.registry('dev')}${manifest.name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: JSON.stringify(publishBody(manifest, tarball)),
  });
  if (response.status !== 201) throw new Error(`publish ${manifest.name} answered ${response.status}: ${await response.text()}`);
}

/** An ordinary account (no admin rights); answers its token. */
async function createUser(stack: Stack, name: string): Promise<string> {
  const created = await fetch(`${stack.registry('dev')}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password: `${name}-long-password`, email: `${name}@example.test`, type: 'user', roles: [] }),
  });
  if (created.status !== 201) throw new Error(`creating ${name} answered ${created.status}`);
  return ((await created.json()) as { token: string }).token;
}

function rssOf(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) * 1024, () => 0);
}

async function installs(user: NpmUser, stack: Stack, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const dir = await user.project({ name: 'bench-adv-app', version: '1.0.0', private: true, dependencies: { 'bench-adv-top': '1.0.0' } });
    const started = performance.now();
    const result = await user.npm(['install', '--cache', `${dir}/.cache`, '--no-audit', '--no-fund', '--registry', stack.registry('dev')], dir);
    if (result.code !== 0) throw new Error(`npm install failed: ${result.stderr}`);
    times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  // BENCH_PALISADE_NODE_OPTIONS reaches only the Palisade process (e.g. a profiling preload), not npm.
  const nodeOptions = process.env.BENCH_PALISADE_NODE_OPTIONS;
  const stack = await startStack('embedded', nodeOptions ? { NODE_OPTIONS: nodeOptions } : {});
  try {
    const deps: Record<string, string> = {};
    for (let i = 0; i < PACKAGES - 1; i += 1) {
      await publish(stack, { name: `bench-adv-${i}`, version: '1.0.0' });
      deps[`bench-adv-${i}`] = '1.0.0';
    }
    await publish(stack, { name: 'bench-adv-top', version: '1.0.0', dependencies: deps });
    await new Promise((r) => setTimeout(r, 2_000));
    const user = await NpmUser.create(stack.registry('dev'), await createUser(stack, 'bench-user'));
    const insiderToken = await createUser(stack, 'bench-insider');
    const pid = stack.processes()[0].pid;

    const idleStarted = { wall: performance.now(), cpu: await cpuSecondsOf(pid) };
    const idle = await installs(user, stack, INSTALLS);
    const idleRss = await rssOf(pid);
    const idleCpu = ((await cpuSecondsOf(pid)) - idleStarted.cpu) / ((performance.now() - idleStarted.wall) / 1000);

    let peakRss = idleRss;
    const attackers = spawnNode(resolve(__dirname, 'adversarial-attackers.ts'), {
      env: { ADV_BASE_URL: stack.baseUrl, ADV_INSIDER_TOKEN: insiderToken, ADV_ATTACKERS: String(ATTACKERS), ...(process.env.BENCH_ATTACK_KINDS ? { ADV_KINDS: process.env.BENCH_ATTACK_KINDS } : {}) },
    });
    await attackers.waitForLine(/^attacking$/, 60_000);
    const attackStarted = { wall: performance.now(), cpu: await cpuSecondsOf(pid) };
    const sampler = setInterval(() => void rssOf(pid).then((rss) => (peakRss = Math.max(peakRss, rss))), 200);
    const attacked = await installs(user, stack, INSTALLS);
    const attackSeconds = (performance.now() - attackStarted.wall) / 1000;
    const attackCpu = ((await cpuSecondsOf(pid)) - attackStarted.cpu) / attackSeconds;
    await attackers.kill('SIGTERM');
    clearInterval(sampler);
    const report = attackers.stdout.find((line) => line.startsWith('{'));
    if (!report) throw new Error(`the attackers printed no report: ${attackers.stderr.slice(-5).join(' ')}`);
    const { sent, seconds, answers, cpuCores: clientCpu } = JSON.parse(report) as { sent: number; seconds: number; answers: Record<string, number>; cpuCores: number };

    const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
    const ratio = percentile(attacked, 99) / percentile(idle, 99);
    console.log(`npm install of a ${PACKAGES}-package tree, fresh cache, ${INSTALLS} installs each, embedded mode; ${ATTACKERS} hostile clients (lowest CPU priority) sent ${sent} requests in ${seconds.toFixed(0)} s (${(sent / seconds).toFixed(1)}/s)`);
    console.log(`answers (kind:status ×count, kinds in the order of hostileRequests): ${Object.entries(answers).sort().map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    console.log(`idle          p50 ${formatMs(percentile(idle, 50))}  p99 ${formatMs(percentile(idle, 99))}  RSS ${mib(idleRss)}`);
    console.log(`under attack  p50 ${formatMs(percentile(attacked, 50))}  p99 ${formatMs(percentile(attacked, 99))}  peak RSS ${mib(peakRss)}`);
    console.log(`Palisade CPU (cores busy on average): idle ${idleCpu.toFixed(2)}, under attack ${attackCpu.toFixed(2)}; the hostile clients themselves ${clientCpu.toFixed(2)}`);
    console.log(`p99 under attack / idle: ${ratio.toFixed(2)}× (target ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'})`);
  } finally {
    await stack.stop();
    await runCleanups();
  }
}

main().catch(async (error: unknown) => {
  console.error(error);
  await runCleanups();
  process.exit(1);
});

// npm run bench:adversarial — normal installs while hostile requests hammer the gateway: the p50/p99
// of `npm install` (fresh cache, a 10-package tree) idle and under attack, and the Palisade
// process's peak RSS, embedded mode. Target: p99 under attack within 2× of idle.
// The hostile loop (bounded in count and time, loopback only): gzip bombs to login, oversized
// JSON publishes, a tarball with data after its end-of-archive blocks, 7,500-word searches,
// password guessing, `__proto__` dist-tags.
import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { makeTarball, publishBody, runCleanups } from '@palisade/testing';
import { NpmUser } from '../../e2e/support/npm-cli';
import { startStack, type Stack } from '../../e2e/support/stack';
import { formatMs, percentile } from './stats';

const INSTALLS = Number(process.env.BENCH_INSTALLS ?? 20);
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

/** A valid gzip tar followed by a few MiB of non-zero data after its end-of-archive blocks. */
function trailingDataTarball(name: string): Buffer {
  const tar = gunzipSync(makeTarball([{ path: 'package/package.json', content: JSON.stringify({ name, version: '1.0.0' }) }]));
  return gzipSync(Buffer.concat([tar, Buffer.alloc(4 * 1024 * 1024, 0x41)]));
}

/** One hostile request of each kind, round robin; answers are read and dropped. */
function hostileRequests(stack: Stack): Array<() => Promise<unknown>> {
  const base = stack.baseUrl;
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
  const words = Array.from({ length: 7_500 }, (_, i) => `w${i}`).join(' ');
  const sink = (r: Response) => r.arrayBuffer().catch(() => undefined);
  const tarball = trailingDataTarball('hostile-trailing');
  return [
    () => fetch(`${base}/dev/-/user/org.couchdb.user:victim`, { method: 'PUT', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb }).then(sink),
    () => fetch(`${base}/dev/hostile-big`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` }, body: `{"name":"hostile-big","x":"${'a'.repeat(60 * 1024 * 1024)}"}` }).then(sink),
    () =>
      fetch(`${base}/dev/hostile-trailing`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
        body: JSON.stringify(publishBody({ name: 'hostile-trailing', version: '1.0.0' }, tarball)),
      }).then(sink),
    () => fetch(`${base}/dev/-/v1/search?text=${encodeURIComponent(words)}`).then(sink),
    () =>
      fetch(`${base}/dev/-/user/org.couchdb.user:victim`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ _id: 'org.couchdb.user:victim', name: 'victim', password: `guess-${Math.random()}`, type: 'user', roles: [] }),
      }).then(sink),
    () =>
      fetch(`${base}/dev/-/package/bench-adv-0/dist-tags/__proto__`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` }, body: '"1.0.0"' }).then(sink),
  ];
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
  const stack = await startStack('embedded');
  try {
    const deps: Record<string, string> = {};
    for (let i = 0; i < PACKAGES - 1; i += 1) {
      await publish(stack, { name: `bench-adv-${i}`, version: '1.0.0' });
      deps[`bench-adv-${i}`] = '1.0.0';
    }
    await publish(stack, { name: 'bench-adv-top', version: '1.0.0', dependencies: deps });
    await new Promise((r) => setTimeout(r, 2_000));
    const created = await fetch(`${stack.registry('dev')}-/user/org.couchdb.user:bench-user`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({ _id: 'org.couchdb.user:bench-user', name: 'bench-user', password: 'bench-users-long-password', email: 'bench@example.test', type: 'user', roles: [] }),
    });
    if (created.status !== 201) throw new Error(`creating the bench user answered ${created.status}`);
    const user = await NpmUser.create(stack.registry('dev'), ((await created.json()) as { token: string }).token);
    const pid = stack.processes()[0].pid;

    const idle = await installs(user, stack, INSTALLS);
    const idleRss = await rssOf(pid);

    let attacking = true;
    let sent = 0;
    let peakRss = idleRss;
    const requests = hostileRequests(stack);
    const deadline = Date.now() + 10 * 60_000;
    const attackers = Array.from({ length: ATTACKERS }, async (_, a) => {
      for (let i = a; attacking && Date.now() < deadline && sent < 100_000; i += 1) {
        sent += 1;
        await requests[i % requests.length]().catch(() => undefined);
      }
    });
    const sampler = setInterval(() => void rssOf(pid).then((rss) => (peakRss = Math.max(peakRss, rss))), 200);
    const attacked = await installs(user, stack, INSTALLS);
    attacking = false;
    await Promise.all(attackers);
    clearInterval(sampler);

    const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
    const ratio = percentile(attacked, 99) / percentile(idle, 99);
    console.log(`npm install of a ${PACKAGES}-package tree, fresh cache, ${INSTALLS} installs each, embedded mode; ${ATTACKERS} hostile clients sent ${sent} requests`);
    console.log(`idle          p50 ${formatMs(percentile(idle, 50))}  p99 ${formatMs(percentile(idle, 99))}  RSS ${mib(idleRss)}`);
    console.log(`under attack  p50 ${formatMs(percentile(attacked, 50))}  p99 ${formatMs(percentile(attacked, 99))}  peak RSS ${mib(peakRss)}`);
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

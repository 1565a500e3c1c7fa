// The hostile clients of `npm run bench:adversarial`, in a process of their own (as an attacker
// would be): in the bench's process their 60 MiB sends stalled its event loop, which then timed the
// npm installs late. Spawned by the bench with ADV_BASE_URL, ADV_INSIDER_TOKEN, ADV_ATTACKERS and
// optionally ADV_KINDS (indexes into hostileRequests; all by default);
// on SIGTERM it stops, and prints what it sent and the answers it got as one JSON line.
import { setPriority } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { makeTarball, publishBody } from '@palisade/testing';

/** A valid gzip tar followed by a few MiB of non-zero data after its end-of-archive blocks. */
function trailingDataTarball(name: string): Buffer {
  const tar = gunzipSync(makeTarball([{ path: 'package/package.json', content: JSON.stringify({ name, version: '1.0.0' }) }]));
  return gzipSync(Buffer.concat([tar, Buffer.alloc(4 * 1024 * 1024, 0x41)]));
}

/** One hostile request of each kind, round robin; answers are read and dropped. */
export function hostileRequests(base: string, insiderToken: string): Array<() => Promise<number>> {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
  const words = Array.from({ length: 7_500 }, (_, i) => `w${i}`).join(' ');
  const sink = (r: Response) => r.arrayBuffer().then(() => r.status, () => r.status);
  const tarball = trailingDataTarball('hostile-trailing');
  const big = Buffer.from(`{"name":"hostile-big","x":"${'a'.repeat(60 * 1024 * 1024)}"}`);
  const json = { 'content-type': 'application/json' };
  const insider = { ...json, authorization: `Bearer ${insiderToken}` };
  return [
    () => fetch(`${base}/dev/-/user/org.couchdb.user:victim`, { method: 'PUT', headers: { ...json, 'content-encoding': 'gzip' }, body: bomb }).then(sink),
    () => fetch(`${base}/dev/hostile-anonymous-big`, { method: 'PUT', headers: json, body: big }).then(sink),
    () => fetch(`${base}/dev/hostile-big`, { method: 'PUT', headers: insider, body: big }).then(sink),
    () =>
      fetch(`${base}/dev/hostile-trailing`, {
        method: 'PUT',
        headers: insider,
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
      fetch(`${base}/dev/-/package/bench-adv-0/dist-tags/__proto__`, { method: 'PUT', headers: insider, body: '"1.0.0"' }).then(sink),
  ];
}

async function main(): Promise<void> {
  // Attackers are other machines. Here they share 2 cores with Palisade and npm, and sending 60 MiB
  // bodies takes them most of a core: with only the anonymous 60 MiB publishes (refused 401 before
  // a byte is read; Palisade 0.11 cores busy, as idle) installs still ran 1.6× slower. At the
  // lowest priority they use only CPU the installs and Palisade leave idle; the requests per
  // second they reach are printed beside the result.
  setPriority(19);
  const all = hostileRequests(process.env.ADV_BASE_URL ?? '', process.env.ADV_INSIDER_TOKEN ?? '');
  const kinds = process.env.ADV_KINDS ? process.env.ADV_KINDS.split(',').map(Number) : all.map((_, k) => k);
  let attacking = true;
  let sent = 0;
  const answers: Record<string, number> = {};
  process.once('SIGTERM', () => (attacking = false));
  const deadline = Date.now() + 10 * 60_000;
  const started = process.cpuUsage();
  const startedAt = performance.now();
  console.log('attacking');
  const attackers = Array.from({ length: Number(process.env.ADV_ATTACKERS ?? 4) }, async (_, a) => {
    for (let i = a; attacking && Date.now() < deadline && sent < 100_000; i += 1) {
      sent += 1;
      const kind = kinds[i % kinds.length];
      const answer = await all[kind]().catch(() => 'connection closed');
      answers[`${kind}:${answer}`] = (answers[`${kind}:${answer}`] ?? 0) + 1;
    }
  });
  await Promise.all(attackers);
  const used = process.cpuUsage(started);
  console.log(JSON.stringify({ sent, seconds: (performance.now() - startedAt) / 1000, answers, cpuCores: (used.user + used.system) / 1e6 / ((performance.now() - startedAt) / 1000) }));
  // Idle keep-alive connections would hold the process a few more seconds.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

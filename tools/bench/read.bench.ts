// npm run bench:read — packument requests/s and p50/p99 latency at 16 connections for 10 s, full
// and abbreviated, beside a static file server serving the same JSON on this machine (the limit).
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, makeTarball, publishBody, runCleanups, tempDir } from '@palisade/testing';
import { startStack } from '../../e2e/support/stack';

const CONNECTIONS = 16;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const VERSIONS = 20;
const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string> = {}): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  const failures = result.errors + result.timeouts + result.non2xx;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: failures };
}

function line(label: string, f: Figures): string {
  return `${label.padEnd(34)} ${f.rps.toFixed(0).padStart(7)} req/s   p50 ${String(f.p50).padStart(3)} ms   p99 ${String(f.p99).padStart(3)} ms${f.errors ? `   ${f.errors} errors` : ''}`;
}

async function main(): Promise<void> {
  const stack = await startStack((process.env.BENCH_MODE as 'embedded' | 'distributed') ?? 'embedded');
  try {
    const registry = stack.registry('dev');
    for (let i = 0; i < VERSIONS; i += 1) {
      const manifest = { name: 'bench-read', version: `2.0.${i}`, description: 'read benchmark package', dependencies: { a: '^1.0.0', b: '^2.0.0' }, keywords: ['bench'] };
      const tarball = makeTarball([{ path: 'package/package.json', content: JSON.stringify(manifest) }]);
      const response = await fetch(`${registry}bench-read`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
        body: JSON.stringify(publishBody(manifest, tarball)),
      });
      if (response.status !== 201) throw new Error(`publish answered ${response.status}: ${await response.text()}`);
    }
    const full = await (await fetch(`${registry}bench-read`)).text();
    const dir = await tempDir('palisade-bench-static-');
    await writeFile(join(dir, 'bench-read.json'), full);
    const staticPort = await freePort();
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      createReadStream(join(dir, 'bench-read.json')).pipe(res);
    }).listen(staticPort, '127.0.0.1');

    console.log(`packument reads, ${CONNECTIONS} connections, ${DURATION_S} s each; ${VERSIONS} versions, ${full.length} bytes full`);
    const gatewayFull = await load(`${registry}bench-read`);
    console.log(line('palisade full packument', gatewayFull));
    const gatewayCorgi = await load(`${registry}bench-read`, { accept: CORGI });
    console.log(line('palisade abbreviated packument', gatewayCorgi));
    const staticFull = await load(`http://127.0.0.1:${staticPort}/bench-read.json`);
    console.log(line('static file server (same JSON)', staticFull));
    server.close();
    const ratio = gatewayFull.rps / staticFull.rps;
    console.log(`full packument: ${(ratio * 100).toFixed(0)} % of the static server; targets: >= 4000 req/s ${gatewayFull.rps >= 4000 ? 'met' : 'MISSED'}, >= 50 % ${ratio >= 0.5 ? 'met' : 'MISSED'}`);
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

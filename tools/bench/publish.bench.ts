// npm run bench:publish — publish-to-installable latency from `dev`: the time from sending a
// publish until the new version is in dev's abbreviated packument (what `npm install` reads),
// over 100 publishes, for the embedded and the distributed mode.
import { makeTarball, publishBody, runCleanups } from '@palisade/testing';
import { startStack, type StackMode } from '../../e2e/support/stack';
import { formatMs, percentile } from './stats';

const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? 100);
const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

async function measure(mode: StackMode): Promise<number[]> {
  const stack = await startStack(mode);
  const latencies: number[] = [];
  try {
    const registry = stack.registry('dev');
    for (let i = 0; i < PUBLISHES; i += 1) {
      const manifest = { name: 'bench-publish', version: `1.0.${i}`, description: 'publish latency benchmark' };
      const tarball = makeTarball([
        { path: 'package/package.json', content: JSON.stringify(manifest) },
        { path: 'package/index.js', content: `module.exports = ${i};\n` },
      ]);
      const started = performance.now();
      const response = await fetch(`${registry}bench-publish`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
        body: JSON.stringify(publishBody(manifest, tarball)),
      });
      if (response.status !== 201) throw new Error(`publish ${manifest.version} answered ${response.status}: ${await response.text()}`);
      for (;;) {
        const doc = (await (await fetch(`${registry}bench-publish`, { headers: { accept: CORGI } })).json()) as { versions?: Record<string, unknown> };
        if (doc.versions?.[manifest.version]) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      latencies.push(performance.now() - started);
    }
  } finally {
    await stack.stop();
  }
  return latencies;
}

async function main(): Promise<void> {
  const modes = (process.env.BENCH_MODES ?? 'embedded,distributed').split(',') as StackMode[];
  console.log(`publish-to-installable latency from dev, ${PUBLISHES} publishes (target: p50 < 300 ms)`);
  for (const mode of modes) {
    const latencies = await measure(mode);
    const p50 = percentile(latencies, 50);
    console.log(`${mode.padEnd(12)} p50 ${formatMs(p50)}  p99 ${formatMs(percentile(latencies, 99))}  max ${formatMs(Math.max(...latencies))}  ${p50 < 300 ? 'target met' : 'TARGET MISSED'}`);
  }
  await runCleanups();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await runCleanups();
  process.exit(1);
});

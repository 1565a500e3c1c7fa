// node -r ./libs/testing/register.cjs tools/bench/profile-summary.ts <file.cpuprofile>… — where a
// CPU profile (from BENCH_PROFILE_DIR) spent its time: busy share, time by origin (Palisade's
// code, each npm package, Node's internals, native/GC) and the functions with the most self time.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function comes from: an npm package, Palisade's own code, Node, or V8 itself. */
export function originOf(url: string, functionName: string): string {
  // The innermost package: a dependency nested under another is its own.
  const pkg = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/libs/') || url.includes('/services/') || url.includes('/apps/')) return 'palisade';
  if (url === '') return functionName === '(idle)' ? '(idle)' : `(${functionName.replace(/[()]/g, '') || 'native'})`;
  return url;
}

function summarize(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<ProfileNode, number>();
  profile.samples.forEach((id, i) => {
    // The first sample carries the time the profiler took to start (the `dispatch` that started it).
    if (i === 0) return;
    const node = byId.get(id) as ProfileNode;
    self.set(node, (self.get(node) ?? 0) + profile.timeDeltas[i] / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([n]) => n.callFrame.functionName === '(idle)').reduce((a, [, ms]) => a + ms, 0);
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [node, ms] of self) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    add(origins, originOf(url, functionName), ms);
    add(functions, `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|libs|services|apps)\//, '$1/')}:${lineNumber + 1}`, ms);
  }
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const busy = total - idle;
  console.log(`${file}: ${(total / 1000).toFixed(2)} s sampled, busy ${(busy / 1000).toFixed(2)} s (${((busy / total) * 100).toFixed(0)} %)`);
  for (const [origin, ms] of top(origins, 12)) console.log(`  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${origin}`);
  console.log('  self time, top functions:');
  for (const [fn, ms] of top(functions, 15)) console.log(`  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${fn}`);
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: profile-summary.ts <file.cpuprofile>…');
    process.exit(2);
  }
  files.forEach(summarize);
}

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseLockfile, type LockedPackage } from '@palisade/lockfiles';
import { runCleanups, startRecordedUpstream, type RecordedUpstream } from '@palisade/testing';
import { NpmUser, PNPM, YARN, run } from './support/npm-cli';
import { registryKeys, verifyWithPacote } from './support/npm-verify';
import { startStack, type Stack } from './support/stack';

// A real dependency tree recorded once from a public registry (e2e/fixtures/real-tree, made by
// `npm run fixtures:record-real-tree`: every packument whole, every tarball npm, pnpm or yarn
// locks for express, eslint, @babel/core, request and others) served by a local upstream. npm,
// pnpm and yarn install it at the same time through dev of a Palisade whose cache is empty.
const FIXTURE = resolve(__dirname, 'fixtures/real-tree');
const INSTALL_TIMEOUT_MS = 600_000;

const spec = (p: Pick<LockedPackage, 'name' | 'version'>) => `${p.name}@${p.version}`;

describe('a recorded real-world tree read through cold (embedded mode)', () => {
  let upstream: RecordedUpstream;
  let stack: Stack;
  let registry: string;

  beforeAll(async () => {
    upstream = await startRecordedUpstream(FIXTURE);
    stack = await startStack('embedded', { PALISADE_UPSTREAM_URL: upstream.url, PALISADE_UPSTREAM_TIMEOUT: '30s' });
    registry = stack.registry('dev');
  });

  afterAll(async () => {
    await stack?.stop();
    await upstream?.stop();
    await runCleanups();
  });

  it('installs with npm, pnpm and yarn at once, every locked package verifies, and nothing is fetched twice upstream', async () => {
    const user = await NpmUser.create(registry);
    const manifest = { name: 'real-app', version: '1.0.0', private: true, dependencies: upstream.tree.roots };
    const [npmApp, pnpmApp, yarnApp] = await Promise.all([
      user.project({ ...manifest, name: 'real-app-npm' }),
      user.project({ ...manifest, name: 'real-app-pnpm' }),
      user.project(
        { ...manifest, name: 'real-app-yarn' },
        { '.yarnrc.yml': `npmRegistryServer: "${registry}"\nnodeLinker: node-modules\nnpmMinimalAgeGate: 0\nunsafeHttpWhitelist:\n  - 127.0.0.1\nenableTelemetry: false\nenableGlobalCache: false\nenableScripts: false\n` },
      ),
    ]);
    const options = (cwd: string, extra: Record<string, string> = {}) => ({ cwd, env: user.env({ CI: 'true', ...extra }), timeoutMs: INSTALL_TIMEOUT_MS });
    const results = await Promise.all([
      run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], options(npmApp)),
      run(process.execPath, [PNPM, 'install', '--ignore-scripts', '--registry', registry, '--store-dir', join(pnpmApp, '.pnpm-store')], options(pnpmApp)),
      run(process.execPath, [YARN, 'install'], options(yarnApp, { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' })),
    ]);
    expect(results.map((r) => ({ code: r.code, output: r.code === 0 ? '' : r.output.slice(-3000) }))).toEqual([0, 0, 0].map((code) => ({ code, output: '' })));

    const recorded = new Map(upstream.tree.packages.map((p) => [spec(p), p.integrity]));
    const locks = await Promise.all([
      ['package-lock.json', npmApp],
      ['pnpm-lock.yaml', pnpmApp],
      ['yarn.lock', yarnApp],
    ].map(async ([file, dir]) => parseLockfile(await readFile(join(dir, file), 'utf8'), { filename: file })));
    // Each client locks only recorded versions, with the recorded bytes (yarn keeps checksums of its own, not SRI).
    expect(locks.map((l) => l.packages.length > 250)).toEqual([true, true, true]);
    for (const lock of locks) {
      for (const p of lock.packages) {
        expect({ spec: spec(p), recorded: recorded.has(spec(p)) }).toEqual({ spec: spec(p), recorded: true });
        if (p.integrity?.startsWith('sha512-')) expect({ spec: spec(p), integrity: p.integrity }).toEqual({ spec: spec(p), integrity: recorded.get(spec(p)) });
      }
    }

    // Every package any of the three installed carries Palisade's registry signature, checked as npm checks it.
    const keys = await registryKeys(registry);
    const installed = [...new Set(locks.flatMap((l) => l.packages.map(spec)))].sort();
    const unsigned: string[] = [];
    for (const each of installed) {
      const verified = await verifyWithPacote(registry, each, keys);
      if ((verified._signatures ?? []).length === 0) unsigned.push(each);
    }
    expect(unsigned).toEqual([]);

    const fetches = new Map<string, number>();
    for (const r of upstream.requests) if (r.status === 200) fetches.set(r.path, (fetches.get(r.path) ?? 0) + 1);
    expect([...fetches].filter(([, n]) => n > 1)).toEqual([]);
    // Platform-specific optional packages (fsevents) are locked but never downloaded on this machine.
    const tarballs = upstream.requests.filter((r) => r.kind === 'tarball' && r.status === 200);
    expect(tarballs.length).toBeGreaterThan(installed.length - 5);
  }, 2 * INSTALL_TIMEOUT_MS);
});

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR, loadFixtures } from './__fixtures__/load-fixture';
import { buildInput } from './__fixtures__/package-builder';
import { RULES, analyzePackage, readPackageFiles } from './index';
import type { HeuristicsInput, HeuristicsReport } from './types';

const BENIGN_DIR = join(FIXTURES_DIR, 'benign');

async function tarballInput(file: string): Promise<HeuristicsInput> {
  const files = await readPackageFiles(readFileSync(join(BENIGN_DIR, file)));
  const manifest = JSON.parse(files.find((entry) => entry.path === 'package/package.json')?.bytes.toString() ?? '{}') as Record<string, unknown>;
  return { name: String(manifest.name), version: String(manifest.version), manifest, files };
}

function describeFindings(report: HeuristicsReport): string {
  return report.findings.map((finding) => `${finding.severity} ${finding.rule}: ${finding.message}`).join('\n');
}

describe('analyzePackage on attack reproductions', () => {
  const attacks = loadFixtures('attacks');

  it('has several variants of every technique family', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
  });

  it.each(attacks.map((fixture) => [fixture.name, fixture] as const))('%s', (_, fixture) => {
    const report = analyzePackage(fixture.input);
    const rules = report.findings.map((finding) => finding.rule);
    expect({ verdict: report.verdict, missing: fixture.meta.rules.filter((rule) => !rules.includes(rule)) }).toEqual({ verdict: fixture.meta.expect, missing: [] });
    expect(report.malwareRisk).toBeGreaterThanOrEqual(fixture.meta.expect === 'block' ? 70 : 40);
    for (const finding of report.findings.filter((candidate) => fixture.meta.rules.includes(candidate.rule))) {
      expect(finding.evidence?.file.startsWith('package/')).toBe(true);
      expect(finding.evidence?.line).toBeGreaterThanOrEqual(1);
      expect(finding.evidence?.snippet.length).toBeLessThanOrEqual(160);
    }
  });
});

describe('analyzePackage on benign packages', () => {
  const tarballs = readdirSync(BENIGN_DIR).filter((file) => file.endsWith('.tgz'));

  it('covers the reference packages listed in NOTICE', () => {
    const notice = readFileSync(join(BENIGN_DIR, 'NOTICE'), 'utf8');
    expect(tarballs.length).toBeGreaterThanOrEqual(8);
    for (const file of tarballs) expect(notice).toContain(file);
  });

  it.each(tarballs)('%s is clean with at most info/low findings', async (file) => {
    const report = analyzePackage(await tarballInput(file));
    expect({ verdict: report.verdict, findings: describeFindings(report).split('\n').filter((line) => !/^(?:info|low) /.test(line) && line !== '') }).toEqual({ verdict: 'clean', findings: [] });
    expect(report.malwareRisk).toBeLessThan(40);
  });

  it.each(loadFixtures('benign-synthetic').map((fixture) => [fixture.name, fixture] as const))('synthetic %s stays clean', (_, fixture) => {
    const report = analyzePackage(fixture.input);
    expect(report.verdict).toBe('clean');
    expect(report.findings.every((finding) => finding.severity === 'info' || finding.severity === 'low')).toBe(true);
    for (const rule of fixture.meta.rules) expect(report.findings.map((finding) => finding.rule)).toContain(rule);
  });

  it('judges an unchanged benign upgrade (esbuild against itself as previous) as clean', async () => {
    const input = await tarballInput('esbuild-0.28.2.tgz');
    const report = analyzePackage({ ...input, version: '0.28.3', previous: { version: input.version, manifest: input.manifest, files: input.files } });
    expect(report.verdict).toBe('clean');
  });
});

describe('analyzePackage', () => {
  it('catalogues every rule it can emit, once, with a description', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) expect(rule.description.length).toBeGreaterThan(20);
    const emitted = new Set(loadFixtures('attacks').flatMap((fixture) => analyzePackage(fixture.input).findings.map((finding) => finding.rule)));
    for (const id of emitted) expect(ids).toContain(id);
  });

  it('skips declarations and docs', () => {
    const report = analyzePackage(
      buildInput({ files: { 'index.d.ts': "declare function x(): void; // eval(atob('x'))", 'README.md': "```js\neval(Buffer.from(s, 'base64').toString())\n```", 'docs/usage.txt': 'curl https://x | sh' } }),
    );
    expect(report.findings).toEqual([]);
  });

  it('judges files over 5 MB by size only', () => {
    const huge = Buffer.alloc(6 * 1024 * 1024, 'eval(atob(x));\n');
    const report = analyzePackage(buildInput({ manifest: { scripts: { postinstall: 'node big.js' } }, files: { 'big.js': huge } }));
    expect(report.findings.map((finding) => finding.rule)).toEqual(['install-script.large-payload', 'install-script.present']);
  });

  it('analyses a typical 100-file package in well under 50 ms once warm', async () => {
    const ajv = await tarballInput('ajv-8.20.0.tgz');
    const code = ajv.files.filter((file) => file.path.endsWith('.js')).slice(0, 99);
    const input = { ...ajv, files: [...code, ...ajv.files.filter((file) => file.path === 'package/package.json')] };
    expect(input.files).toHaveLength(100);
    analyzePackage(input);
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const start = performance.now();
      analyzePackage(input);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    // The target is 50 ms on an idle core; CI shares two cores with other suites, hence the margin.
    expect(times[2]).toBeLessThan(150);
  });
});

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { HeuristicVerdict, HeuristicsInput, PackageFile } from '../types';

/** `fixture.json` beside an attack reproduction: what it imitates and what the scanner must say. */
export interface FixtureMeta {
  technique: string;
  expect: HeuristicVerdict;
  /** Rule ids that must be among the findings. */
  rules: string[];
  internalNames?: string[];
  /** Replaces the manifest the scanner is given (to model a publish document that differs from the tarball). */
  manifest?: Record<string, unknown>;
  /** Large files built at load time instead of being committed: `line` repeated up to `bytes`. */
  generated?: { path: string; bytes: number; line: string }[];
}

export interface Fixture {
  name: string;
  meta: FixtureMeta;
  input: HeuristicsInput;
}

export const FIXTURES_DIR = __dirname;

/** Every fixture package under `__fixtures__/<group>/`, sorted by name. */
export function loadFixtures(group: 'attacks' | 'benign-synthetic'): Fixture[] {
  const root = join(FIXTURES_DIR, group);
  return readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory())
    .sort()
    .map((name) => loadFixture(join(root, name)));
}

export function loadFixture(dir: string): Fixture {
  const meta = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as FixtureMeta;
  const files = readPackageDir(dir, ['fixture.json', 'previous']);
  for (const generated of meta.generated ?? []) files.push({ path: `package/${generated.path}`, bytes: repeatTo(generated.line, generated.bytes) });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const input: HeuristicsInput = {
    name: String(manifest.name),
    version: String(manifest.version),
    manifest: meta.manifest ?? manifest,
    files,
    internalNames: meta.internalNames,
  };
  const previousDir = join(dir, 'previous');
  if (existsSync(previousDir)) {
    const previousManifest = JSON.parse(readFileSync(join(previousDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    input.previous = { version: String(previousManifest.version), manifest: previousManifest, files: readPackageDir(previousDir, []) };
  }
  return { name: dir.slice(dir.lastIndexOf('/') + 1), meta, input };
}

function readPackageDir(dir: string, skip: string[]): PackageFile[] {
  const files: PackageFile[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const full = join(current, entry);
      const rel = relative(dir, full);
      if (skip.includes(rel)) continue;
      if (statSync(full).isDirectory()) walk(full);
      else files.push({ path: `package/${rel}`, bytes: readFileSync(full) });
    }
  };
  walk(dir);
  return files;
}

function repeatTo(line: string, bytes: number): Buffer {
  const unit = Buffer.from(`${line}\n`);
  const out = Buffer.alloc(bytes);
  for (let offset = 0; offset < bytes; offset += unit.length) unit.copy(out, offset, 0, Math.min(unit.length, bytes - offset));
  return out;
}

import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tempDir } from '@palisade/testing';

// Registry signatures verified the way npm verifies them: `npm audit signatures` cannot run here
// (its Sigstore TUF step needs the network), so tests do what it does after that step: fetch
// /-/npm/v1/keys and call the pacote shipped inside the installed npm with `verifySignatures: true`.

export interface NpmKey {
  keyid: string;
  key: string;
  expires: string | null;
}

interface Pacote {
  manifest(spec: string, options: Record<string, unknown>): Promise<{ _signatures?: Array<{ keyid: string; sig: string }> }>;
}

const npmRoot = join(dirname(realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim())), '..');
const pacote = createRequire(join(npmRoot, 'package.json'))('pacote') as Pacote;

export async function registryKeys(registry: string): Promise<Array<NpmKey & { pemkey: string }>> {
  const response = await fetch(`${registry}-/npm/v1/keys`);
  expect(response.status).toBe(200);
  const { keys } = (await response.json()) as { keys: NpmKey[] };
  // As npm's verify-signatures maps them for pacote.
  return keys.map((key) => ({ ...key, pemkey: `-----BEGIN PUBLIC KEY-----\n${key.key}\n-----END PUBLIC KEY-----` }));
}

/** pacote.manifest with signature verification, as `npm audit signatures` calls it. */
export async function verifyWithPacote(registry: string, spec: string, keys: unknown): Promise<{ _signatures?: Array<{ keyid: string; sig: string }> }> {
  const url = new URL(registry);
  return pacote.manifest(spec, {
    registry,
    verifySignatures: true,
    fullMetadata: true,
    preferOnline: true,
    cache: await tempDir('palisade-pacote-cache-'),
    [`//${url.host}${url.pathname}:_keys`]: keys,
  });
}

/** `name@version` of every package in a project's package-lock.json. */
export async function lockfilePackages(project: string): Promise<string[]> {
  const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; name?: string }> };
  return Object.entries(lock.packages)
    .filter(([path]) => path !== '')
    .map(([path, entry]) => `${entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${entry.version}`);
}

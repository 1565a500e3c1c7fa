import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { runCleanups, seededRandom } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from './__fixtures__/gateway-harness';
import { startRealIngest } from './__fixtures__/real-ingest';

// Issue 13's fuzz test of the publish route: random and mutated npm publish documents and
// tarballs (fixed seed) against the gateway with the real ingest service on one embedded bus.
// Every answer must be below 500 and in the registry's JSON error shape; a refusal must leave the
// blob store as it was; at the end every version served must be one that was accepted, with the
// bytes that were sent and a manifest that matches the package.json inside them.
const CASES = Number(process.env.PALISADE_FUZZ_CASES ?? 5_000);
const SEED = 0x13;
const MAX_TARBALL_BYTES = 256 * 1024;

let h: GatewayHarness;
let alice: string;
/** Keys in the blob store, kept by watching every put and delete (gateway and ingest share the store). */
const stored = new Set<string>();

const random = seededRandom(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const chance = (p: number) => random() < p;

/** A tar archive of the given entries (paths taken as they are), as npm pack writes it. */
function tar(entries: ReadonlyArray<{ path: string; body: Buffer | string; type?: 'File' | 'Directory' | 'SymbolicLink'; linkpath?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body);
    const header = Buffer.alloc(512);
    new Header({ path: entry.path, type: entry.type ?? 'File', size: entry.type === 'SymbolicLink' ? 0 : body.length, mode: 0o644, mtime: new Date(0), linkpath: entry.linkpath }).encode(header, 0);
    blocks.push(header);
    if (entry.type !== 'SymbolicLink') blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const NAMES = ['fz-alpha', 'fz-beta', '@fz/gamma', 'fz-delta', '@fz/epsilon'];
// 100 name@version pairs: enough to be accepted often, few enough to hit republishes (409) too.
const VERSIONS = [...Array.from({ length: 18 }, (_, i) => `${i % 6}.${Math.floor(i / 6)}.0`), '2.0.0-rc.1', '0.0.1-alpha'];
const TAGS = ['latest', 'beta', 'next', '__proto__', 'constructor', 'prototype', 'toString', '1.x', '', 'a/b'];
const JUNK: unknown[] = [null, 0, -1, 1.5, true, '', 'x', [], [1, 2], {}, { a: 1 }, 'A'.repeat(1000)];

interface Case {
  name: string;
  version: string;
  packageJson: Record<string, unknown>;
  tarball: Buffer;
  body: unknown;
  /** Raw text to send instead of JSON.stringify(body). */
  text?: string;
}

function packageJsonFor(name: string, version: string): Record<string, unknown> {
  const json: Record<string, unknown> = { name, version, description: `fuzz ${int(1000)}`, main: 'index.js' };
  if (chance(0.3)) json.dependencies = { [pick(['left-pad', 'lodash', '@x/y'])]: pick(['^1.0.0', '2.x', '*']) };
  if (chance(0.1)) json.scripts = { postinstall: 'node x.js' };
  if (chance(0.2)) json.bin = { [pick(['fz', 'tool'])]: 'index.js' };
  return json;
}

function tarballFor(packageJson: Record<string, unknown>): Buffer {
  const files = [
    { path: 'package/package.json', body: JSON.stringify(packageJson) },
    { path: 'package/index.js', body: `module.exports = ${int(1e6)};\n` },
  ];
  if (chance(0.3)) files.push({ path: 'package/README.md', body: `# readme ${int(1e6)}\n` });
  return gzipSync(tar(files));
}

/** A tarball damaged in one of the ways an attacker (or a broken client) would. */
function mutateTarball(tarball: Buffer, packageJson: Record<string, unknown>): Buffer {
  switch (int(10)) {
    case 0: {
      const copy = Buffer.from(tarball);
      for (let i = 0; i < 1 + int(8); i += 1) copy[int(copy.length)] ^= 1 + int(255);
      return copy;
    }
    case 1:
      return tarball.subarray(0, int(tarball.length));
    case 2:
      return Buffer.concat([tarball, Buffer.from('trailing junk after the gzip member')]);
    case 3:
      return gzipSync(Buffer.concat([gunzipSync(tarball), Buffer.alloc(512 + int(64 * 1024), 0x41)]));
    case 4: {
      const raw = Buffer.from(gunzipSync(tarball));
      raw[int(Math.min(raw.length, 1024))] ^= 0xff;
      return gzipSync(raw);
    }
    case 5:
      return gzipSync(tar([{ path: 'package/../escape.js', body: 'x' }, { path: 'package/package.json', body: JSON.stringify(packageJson) }]));
    case 6:
      return gzipSync(tar([{ path: 'package/package.json', body: JSON.stringify(packageJson) }, { path: 'package/link', body: '', type: 'SymbolicLink', linkpath: '../../etc/passwd' }]));
    case 7:
      return gzipSync(gzipSync(tar([{ path: 'package/package.json', body: JSON.stringify(packageJson) }])));
    case 8:
      return gzipSync(tar([{ path: 'package/package.json', body: JSON.stringify({ ...packageJson, dependencies: { evil: '1.0.0' } }) }]));
    default:
      return Buffer.from(Array.from({ length: int(2048) }, () => int(256)));
  }
}

const sha512 = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

function documentFor(name: string, version: string, packageJson: Record<string, unknown>, tarball: Buffer): Record<string, unknown> {
  return {
    _id: name,
    name,
    description: packageJson.description,
    'dist-tags': { latest: version },
    versions: {
      [version]: {
        ...packageJson,
        _id: `${name}@${version}`,
        readme: 'client readme',
        dist: { integrity: sha512(tarball), shasum: createHash('sha1').update(tarball).digest('hex'), tarball: `http://localhost/${name}/-/x.tgz` },
      },
    },
    access: null,
    _attachments: { [`${name}-${version}.tgz`]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } },
  };
}

/** Replaces one random node of a JSON tree (depth-first walk to a random depth). */
function mutateDocument(doc: Record<string, unknown>): void {
  let node: Record<string, unknown> = doc;
  for (let depth = 0; depth < 4; depth += 1) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = pick(keys);
    const child = node[key];
    if (child !== null && typeof child === 'object' && !Array.isArray(child) && chance(0.6)) {
      node = child as Record<string, unknown>;
      continue;
    }
    if (chance(0.3)) delete node[key];
    else node[key] = pick(JUNK);
    return;
  }
  node[pick(['extra', 'versions', 'dist', '_attachments', 'dist-tags'])] = pick(JUNK);
}

function nextCase(): Case {
  const name = pick(NAMES);
  const version = pick(VERSIONS);
  const packageJson = packageJsonFor(name, version);
  let tarball = tarballFor(packageJson);
  const kind = int(10);
  if (kind <= 2) tarball = mutateTarball(tarball, packageJson);
  const doc = documentFor(name, version, packageJson, tarball);
  const fresh = kind <= 2 || chance(0.5);
  const body = (doc.versions as Record<string, Record<string, unknown>>)[version];
  switch (kind) {
    case 3:
      mutateDocument(doc);
      break;
    case 4:
      (doc['dist-tags'] as Record<string, unknown>)[pick(TAGS)] = pick([version, ...VERSIONS, 42]);
      break;
    case 5:
      body.dist = pick([undefined, { shasum: (body.dist as Record<string, unknown>).shasum }, { integrity: 'sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, { integrity: sha512(Buffer.from('other')) }, { integrity: 'sha512-!!!' }]);
      break;
    case 6: {
      const attachment = (doc._attachments as Record<string, Record<string, unknown>>)[`${name}-${version}.tgz`];
      attachment[pick(['data', 'length'])] = pick([...JUNK, tarball.length + 1, '!!!not base64!!!']);
      break;
    }
    case 7:
      body[pick(['name', 'version', 'dependencies', 'bin', 'scripts'])] = pick(JUNK);
      break;
    default:
      break;
  }
  if (!fresh) return { name, version, packageJson, tarball, body: doc };
  // Now and then: text that is not quite JSON, or JSON that tries to reach a prototype.
  const text = JSON.stringify(doc);
  const mangled = pick([
    text.slice(0, int(text.length)),
    text.replace('"versions":', '"__proto__":{"polluted":1},"versions":'),
    text.replace('"dist-tags":{', '"dist-tags":{"__proto__":"1.0.0",'),
    text,
    text,
  ]);
  return { name, version, packageJson, tarball, body: doc, text: mangled };
}

const blobCount = async (): Promise<number> => stored.size;

beforeAll(async () => {
  h = await startGatewayHarness(`gw_publish_fuzz_${process.pid}`, { PALISADE_MAX_TARBALL_BYTES: String(MAX_TARBALL_BYTES), PALISADE_LOG_LEVEL: 'error' }, { fakeIngest: false });
  const { put, delete: remove } = h.blobs;
  h.blobs.put = async (...args: Parameters<typeof put>) => {
    const ref = await put.apply(h.blobs, args);
    stored.add(ref.key);
    return ref;
  };
  h.blobs.delete = async (key: string) => {
    await remove.call(h.blobs, key);
    stored.delete(key);
  };
  await startRealIngest(h, { PALISADE_LOG_LEVEL: 'fatal', PALISADE_INGEST_MAX_UNPACKED_BYTES: String(1024 * 1024) });
  alice = await h.createUser('alice');
});

afterAll(() => runCleanups());

it(`survives ${CASES} random and mutated publishes (seed ${SEED}): no 5xx, refusals store nothing, accepted versions match their tarballs`, async () => {
  const accepted = new Map<string, { tarball: Buffer; packageJson: Record<string, unknown> }>();
  const statuses = new Map<number, number>();
  for (let i = 0; i < CASES; i += 1) {
    const c = nextCase();
    const blobsBefore = await blobCount();
    const response = await fetch(`${h.origin}/dev/${c.name.replace('/', '%2f')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
      body: c.text ?? JSON.stringify(c.body),
    });
    const text = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const where = `case ${i}: ${c.name}@${c.version} → ${response.status} ${text.slice(0, 300)}`;
    expect({ where, serverError: response.status >= 500 }).toEqual({ where, serverError: false });
    if (response.status === 201) {
      const key = `${c.name}@${c.version}`;
      if (!accepted.has(key)) accepted.set(key, { tarball: c.tarball, packageJson: c.packageJson });
      continue;
    }
    const json = JSON.parse(text) as Record<string, unknown>;
    expect({ where, keys: Object.keys(json).sort() }).toEqual({ where, keys: ['code', 'error'] });
    expect({ where, blobs: await blobCount() }).toEqual({ where, blobs: blobsBefore });
  }
  expect(Object.prototype).not.toHaveProperty('polluted');
  // Enough of each kind of answer for the run to mean something.
  expect(accepted.size).toBeGreaterThan(Math.min(CASES / 100, (NAMES.length * VERSIONS.length) / 2));
  expect(statuses.get(400) ?? 0).toBeGreaterThan(CASES / 20);
  expect(statuses.get(422) ?? 0).toBeGreaterThan(CASES / 20);
  expect(statuses.get(409) ?? 0).toBeGreaterThan(0);

  // Every version served was accepted, with exactly the bytes sent and the package.json they hold.
  for (const name of NAMES) {
    const packument = await h.call('GET', `/dev/${name.replace('/', '%2f')}`);
    const versions = (packument.json.versions ?? {}) as Record<string, Record<string, unknown>>;
    for (const [version, manifest] of Object.entries(versions)) {
      const sent = accepted.get(`${name}@${version}`);
      expect({ version: `${name}@${version}`, accepted: sent !== undefined }).toEqual({ version: `${name}@${version}`, accepted: true });
      const dist = manifest.dist as Record<string, unknown>;
      const bytes = Buffer.from(await (await fetch(String(dist.tarball))).arrayBuffer());
      expect(bytes.equals(sent!.tarball)).toBe(true);
      expect(dist.integrity).toBe(sha512(bytes));
      const inside = JSON.parse(gunzipSync(bytes).subarray(512, 512 + Number.parseInt(gunzipSync(bytes).subarray(124, 135).toString(), 8)).toString()) as Record<string, unknown>;
      // An empty map and none install the same (as the ingest comparison has it).
      const deps = (value: unknown) => (value && typeof value === 'object' && Object.keys(value).length > 0 ? value : undefined);
      expect({ name: manifest.name, version: manifest.version, dependencies: deps(manifest.dependencies) }).toEqual({ name: inside.name, version: inside.version, dependencies: deps(inside.dependencies) });
      expect(manifest.readme ?? '').not.toBe('client readme');
    }
  }
});

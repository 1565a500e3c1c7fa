import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import { packTarball, publishBody, runCleanups } from '@palisade/testing';
import { NpmUser } from '../support/npm-cli';
import { startStack, type Stack } from '../support/stack';

// Issue 13, "Denial of service" and "Input the registry must refuse": each test drives the real
// HTTP API of one embedded stack (the npm CLI where npm can send the input, else raw requests) and
// checks the status, the npm-shaped JSON error with its stable code, and that nothing was stored.
const MiB = 1024 * 1024;
/** Small, so the publish body limit (4/3 of it plus 1 MiB of JSON) is quick to exceed. */
const MAX_TARBALL_BYTES = MiB;
const ACCOUNT_FAILURES = 10;
const ADDRESS_FAILURES = 20;

let stack: Stack;
let alice: NpmUser;
let aliceToken: string;

const password = (user: string) => `${user}s-long-password`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
  text: string;
}

const agents = new Map<string, Agent>();

/**
 * One HTTP request, from `localAddress` (the client address the gateway sees; 127.0.0.0/8 all
 * reach it). undici, as npm's own client: it reads an answer the server sends before the whole
 * body was written (a 413 for a body it will not read).
 */
async function call(
  method: string,
  path: string,
  init: { token?: string; body?: unknown; raw?: Buffer | string; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<Answer> {
  const localAddress = init.localAddress ?? '127.0.0.1';
  let dispatcher = agents.get(localAddress);
  if (!dispatcher) {
    dispatcher = new Agent({ localAddress });
    agents.set(localAddress, dispatcher);
  }
  const payload = init.raw !== undefined ? Buffer.from(init.raw) : init.body === undefined ? undefined : Buffer.from(JSON.stringify(init.body));
  const response = await request(new URL(path, stack.baseUrl), {
    method: method as Dispatcher.HttpMethod,
    dispatcher,
    headers: {
      accept: 'application/json',
      ...(payload ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: payload,
  });
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the assertions on `json` say so
  }
  return { status: response.statusCode, headers: response.headers, json, text };
}

/** Expects the registry's error shape: `{"error": "...", "code": "<code>"}`, nothing else. */
function expectRefusal(answer: Answer, status: number, code: string, message?: RegExp): void {
  expect({ status: answer.status, code: answer.json.code }).toEqual({ status, code });
  expect(Object.keys(answer.json).sort()).toEqual(['code', 'error']);
  expect(typeof answer.json.error).toBe('string');
  if (message) expect(answer.json.error).toMatch(message);
}

async function createUser(name: string): Promise<string> {
  const answer = await call('PUT', `/-/user/org.couchdb.user:${name}`, {
    token: stack.adminToken,
    body: { _id: `org.couchdb.user:${name}`, name, password: password(name), email: `${name}@example.test`, type: 'user', roles: [] },
  });
  expect(answer.status).toBe(201);
  return answer.json.token as string;
}

const login = (name: string, pass: string, localAddress?: string) =>
  call('PUT', `/-/user/org.couchdb.user:${name}`, { body: { _id: `org.couchdb.user:${name}`, name, password: pass, type: 'user', roles: [] }, localAddress });

const packument = async (name: string) => call('GET', `/dev/${name.replace('/', '%2f')}`, { token: aliceToken });

/** Resident memory of the stack's process (embedded: the gateway runs in it), from /proc. */
async function rssBytes(): Promise<number> {
  const status = await readFile(`/proc/${stack.processes()[0].pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error('no VmRSS for the stack process');
  return Number(match[1]) * 1024;
}

/** A publish of `name@1.0.0` as raw JSON, so tests can send what npm never would. */
async function rawPublish(name: string, mutate: (body: Record<string, unknown>) => void = () => undefined, tarball?: Buffer): Promise<Answer> {
  const manifest = { name, version: '1.0.0', description: 'adversarial' };
  const body = publishBody(manifest, tarball ?? (await packTarball(manifest)));
  mutate(body);
  return call('PUT', `/dev/${name.replace('/', '%2f')}`, { token: aliceToken, body });
}

beforeAll(async () => {
  stack = await startStack('embedded', {
    PALISADE_MAX_TARBALL_BYTES: String(MAX_TARBALL_BYTES),
    PALISADE_LOGIN_MAX_FAILURES_PER_ACCOUNT: String(ACCOUNT_FAILURES),
    PALISADE_LOGIN_MAX_FAILURES_PER_ADDRESS: String(ADDRESS_FAILURES),
  });
  aliceToken = await createUser('alice');
  alice = await NpmUser.create(stack.registry(), aliceToken);
  // A package to point tags at and to compare before and after each refusal.
  expect((await rawPublish('stable')).status).toBe(201);
});

afterAll(async () => {
  await Promise.all([...agents.values()].map((agent) => agent.close()));
  await stack?.stop();
  await runCleanups();
});

describe('denial of service', () => {
  it('refuses a tarball with data after its tar end-of-archive quickly (npm publish of a crafted .tgz), storing nothing', async () => {
    const manifest = { name: 'trailing-junk', version: '1.0.0', description: 'x' };
    const tar = gunzipSync(await packTarball(manifest));
    // The shape that kept ingest busy for 13 minutes: an ordinary archive, then data after its end.
    const crafted = gzipSync(Buffer.concat([tar, Buffer.alloc(4 * MiB, 0x41)]));
    expect(crafted.length).toBeLessThan(300 * 1024);
    const file = join(alice.home, 'trailing-junk-1.0.0.tgz');
    await writeFile(file, crafted);
    const blobs = await stack.blobCount();

    const started = Date.now();
    const result = await alice.npm(['publish', file], alice.home);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/422/);
    expect(result.stderr).toMatch(/data after the end of its tar archive/);

    // The raw answer, for its shape and code.
    const body = publishBody(manifest, crafted);
    expectRefusal(await call('PUT', '/dev/trailing-junk', { token: aliceToken, body }), 422, 'PAL_ERR_INVALID_PACKAGE', /data after the end of its tar archive/);
    expect(await stack.blobCount()).toBe(blobs);
    expectRefusal(await packument('trailing-junk'), 404, 'PAL_ERR_NOT_FOUND');
  });

  it('limits bodies per route: a 1 MiB login body gets 413 before it is parsed', async () => {
    const answer = await call('PUT', '/-/user/org.couchdb.user:alice', { body: { name: 'alice', password: 'x'.repeat(MiB) } });
    expectRefusal(answer, 413, 'PAL_ERR_TOO_LARGE', /at most 65536 bytes/);
  });

  it('accepts gzip bodies only on the audit routes (415 elsewhere), and a gzip bomb stops at the limit without ballooning RSS', async () => {
    const bomb = gzipSync(Buffer.alloc(512 * MiB, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(MiB);
    const encoding = { 'content-encoding': 'gzip' };
    expectRefusal(await call('PUT', '/-/user/org.couchdb.user:alice', { raw: bomb, headers: encoding }), 415, 'PAL_ERR_UNSUPPORTED_MEDIA_TYPE', /gzip/);
    expectRefusal(await call('POST', '/-/npm/v1/tokens', { raw: bomb, headers: encoding, token: aliceToken }), 415, 'PAL_ERR_UNSUPPORTED_MEDIA_TYPE');

    const before = await rssBytes();
    const answers = await Promise.all(Array.from({ length: 4 }, () => call('POST', '/-/npm/v1/security/advisories/bulk', { raw: bomb, headers: encoding })));
    for (const answer of answers) expectRefusal(answer, 413, 'PAL_ERR_TOO_LARGE');
    // Four bombs of 512 MiB each: the gateway inflated at most the audit limit of each.
    expect(await rssBytes()).toBeLessThan(before + 256 * MiB);
  });

  it('bounds search: a 7,500-word query answers 400 at once, and paging is capped', async () => {
    // `+` for the spaces, as a form encoder writes them: the URL stays under Node's 16 KiB header limit.
    const text = Array.from({ length: 7_500 }, () => 'a').join('+');
    const started = Date.now();
    const answer = await call('GET', `/dev/-/v1/search?text=${text}`);
    expect(Date.now() - started).toBeLessThan(2_000);
    expectRefusal(answer, 400, 'PAL_ERR_BAD_REQUEST', /search text may be at most/);
    const many = await call('GET', `/dev/-/v1/search?text=${encodeURIComponent(Array.from({ length: 11 }, (_, i) => `w${i}`).join(' '))}`);
    expectRefusal(many, 400, 'PAL_ERR_BAD_REQUEST', /at most 10 words/);
    const page = await call('GET', '/dev/-/v1/search?text=stable&size=100000&from=999999999');
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ objects: [], total: 1 });
  });

  it('throttles password guesses per account: 429 with Retry-After that npm prints, even with the right password; a success resets the count', async () => {
    await createUser('carol');
    for (let i = 0; i < ACCOUNT_FAILURES; i += 1) expectRefusal(await login('carol', `guess-${i}`, '127.0.0.5'), 401, 'PAL_ERR_BAD_CREDENTIALS');
    const locked = await login('carol', password('carol'), '127.0.0.5');
    expectRefusal(locked, 429, 'PAL_ERR_TOO_MANY_ATTEMPTS', /too many failed logins; try again in \d+ s/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // The lock is the account's, from any address, and npm shows why.
    expectRefusal(await login('carol', password('carol'), '127.0.0.6'), 429, 'PAL_ERR_TOO_MANY_ATTEMPTS');
    const npm = await NpmUser.create(stack.registry());
    // npm retries a 429 after backing off (10 s and more); once is enough to see what it prints.
    const result = await npm.npm(['login', '--auth-type=legacy', '--fetch-retries=0'], npm.home, [['Username:', 'carol'], ['Password:', password('carol')]]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/too many failed logins/);

    // Below the limit, a success wipes the count.
    await createUser('dave');
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < ACCOUNT_FAILURES - 1; i += 1) expect((await login('dave', 'wrong', '127.0.0.7')).status).toBe(401);
      expect((await login('dave', password('dave'), '127.0.0.7')).status).toBe(201);
    }
  });

  it('throttles password guesses per address, across accounts', async () => {
    await createUser('erin');
    for (let i = 0; i < ADDRESS_FAILURES; i += 1) expect((await login(`nobody-${i}`, 'guess', '127.0.0.9')).status).toBe(401);
    expectRefusal(await login('erin', password('erin'), '127.0.0.9'), 429, 'PAL_ERR_TOO_MANY_ATTEMPTS');
    // Basic credentials from that address are refused too; other addresses are not affected.
    const basic = `Basic ${Buffer.from(`erin:${password('erin')}`).toString('base64')}`;
    expectRefusal(await call('GET', '/-/whoami', { headers: { authorization: basic }, localAddress: '127.0.0.9' }), 429, 'PAL_ERR_TOO_MANY_ATTEMPTS');
    expect((await login('erin', password('erin'), '127.0.0.10')).status).toBe(201);
  });
});

describe('input the registry must refuse', () => {
  it.each([
    ['a publish body that is not JSON', 'PUT', '/dev/not-json', { raw: '{"name": "not-json", "versions": ', headers: {} }, 400, 'PAL_ERR_BAD_REQUEST'],
    ['an empty JSON body', 'PUT', '/dev/not-json', { raw: '', headers: {} }, 400, 'PAL_ERR_BAD_REQUEST'],
    ['a body of an unknown content type', 'PUT', '/dev/not-json', { raw: 'hello', headers: { 'content-type': 'text/x-unknown' } }, 415, 'PAL_ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['a damaged gzip audit body', 'POST', '/-/npm/v1/security/audits/quick', { raw: Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]), headers: { 'content-encoding': 'gzip' } }, 400, 'PAL_ERR_BAD_REQUEST'],
    ['a method no route serves', 'PATCH', '/dev/stable', { raw: '{}', headers: {} }, 404, 'PAL_ERR_NOT_FOUND'],
    ['an unknown route', 'GET', '/-/no/such/route', { headers: {} }, 404, 'PAL_ERR_NOT_FOUND'],
  ])('answers %s with the JSON error npm prints, storing nothing', async (_what, method, path, init, status, code) => {
    const blobs = await stack.blobCount();
    expectRefusal(await call(method, path, { token: aliceToken, ...init }), status, code);
    expect(await stack.blobCount()).toBe(blobs);
  });

  it('refuses a JSON document over the publish limit before parsing it (55 MiB)', async () => {
    const blobs = await stack.blobCount();
    const huge = Buffer.alloc(55 * MiB, 0x20);
    huge.write('{"name": "huge", "versions": {}, "padding": "', 0);
    huge.write('"}', huge.length - 2);
    const started = Date.now();
    expectRefusal(await call('PUT', '/dev/huge', { token: aliceToken, raw: huge }), 413, 'PAL_ERR_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(10_000);
    expectRefusal(await call('PUT', '/dev/-/package/stable/dist-tags/beta', { token: aliceToken, raw: huge }), 413, 'PAL_ERR_TOO_LARGE');
    expect(await stack.blobCount()).toBe(blobs);
    expectRefusal(await packument('huge'), 404, 'PAL_ERR_NOT_FOUND');
  });

  it('refuses a dist-tag pointing at a version that is not in the document (publish body and dist-tag API)', async () => {
    const blobs = await stack.blobCount();
    const before = (await packument('stable')).json;
    const answer = await rawPublish('dangling-tag', (body) => {
      body['dist-tags'] = { latest: '1.0.0', next: '9.9.9' };
    });
    expectRefusal(answer, 400, 'PAL_ERR_BAD_REQUEST', /next points at "9.9.9"/);
    expect(await stack.blobCount()).toBe(blobs);
    expectRefusal(await packument('dangling-tag'), 404, 'PAL_ERR_NOT_FOUND');

    const result = await alice.npm(['dist-tag', 'add', 'stable@9.9.9', 'next'], alice.home);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/404/);
    expect((await packument('stable')).json['dist-tags']).toEqual(before['dist-tags']);
  });

  it('takes the readme from the tarball: a large readme that is not in the package is not recorded', async () => {
    const readme = 'R'.repeat(MiB);
    const answer = await rawPublish('readme-claims', (body) => {
      (body.versions as Record<string, Record<string, unknown>>)['1.0.0'].readme = readme;
    });
    expect(answer.status).toBe(201);
    const served = (await packument('readme-claims')).json;
    expect(JSON.stringify(served)).not.toContain('RRRRRRRR');
    expect(served.readme ?? '').toBe('');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a dist-tag named %s (npm dist-tag and a raw publish), leaving the package as it was', async (tag) => {
    const before = (await packument('stable')).json;
    const result = await alice.npm(['dist-tag', 'add', 'stable@1.0.0', tag], alice.home);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/400/);
    expectRefusal(
      await call('PUT', `/dev/-/package/stable/dist-tags/${tag}`, { token: aliceToken, raw: '"1.0.0"' }),
      400,
      'PAL_ERR_BAD_REQUEST',
      /reserved/,
    );
    // As raw JSON text: JSON.stringify would not write an own `__proto__` key.
    const blobs = await stack.blobCount();
    const manifest = { name: `tag-${tag.replace(/_/g, '')}`, version: '1.0.0' };
    const text = JSON.stringify(publishBody(manifest, await packTarball(manifest))).replace('"dist-tags":{"latest":"1.0.0"}', `"dist-tags":{"${tag}":"1.0.0"}`);
    const answer = await call('PUT', `/dev/${manifest.name}`, { token: aliceToken, raw: text });
    expect(answer.status).toBe(400);
    expectRefusal(answer, 400, 'PAL_ERR_BAD_REQUEST');
    expect(await stack.blobCount()).toBe(blobs);
    expect((await packument('stable')).json['dist-tags']).toEqual(before['dist-tags']);
  });

  it('refuses documents that would reach an object prototype', async () => {
    const blobs = await stack.blobCount();
    const manifest = { name: 'proto-poison', version: '1.0.0' };
    const text = JSON.stringify(publishBody(manifest, await packTarball(manifest)));
    for (const poisoned of [
      text.replace('"versions":{', '"__proto__":{"polluted":true},"versions":{'),
      text.replace('"versions":{', '"constructor":{"prototype":{"polluted":true}},"versions":{'),
    ]) {
      expectRefusal(await call('PUT', '/dev/proto-poison', { token: aliceToken, raw: poisoned }), 400, 'PAL_ERR_BAD_REQUEST');
    }
    expect(await stack.blobCount()).toBe(blobs);
    expectRefusal(await packument('proto-poison'), 404, 'PAL_ERR_NOT_FOUND');
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it.each([
    ['only a sha1 shasum', (dist: Record<string, unknown>) => ({ shasum: dist.shasum, tarball: dist.tarball })],
    ['a sha1 integrity', (dist: Record<string, unknown>) => ({ ...dist, integrity: `sha1-${Buffer.from(String(dist.shasum), 'hex').toString('base64')}` })],
    ['no dist', () => undefined],
  ])('refuses a publish with %s: sha512 integrity is required, nothing is stored', async (_what, distOf) => {
    const blobs = await stack.blobCount();
    const answer = await rawPublish('weak-hash', (body) => {
      const version = (body.versions as Record<string, Record<string, unknown>>)['1.0.0'];
      version.dist = distOf(version.dist as Record<string, unknown>);
    });
    expectRefusal(answer, 422, 'PAL_ERR_INVALID_PACKAGE', /sha512/);
    expect(await stack.blobCount()).toBe(blobs);
    expectRefusal(await packument('weak-hash'), 404, 'PAL_ERR_NOT_FOUND');
  });

  it('refuses a sha512 integrity that does not match the bytes', async () => {
    const blobs = await stack.blobCount();
    const other = await packTarball({ name: 'other', version: '1.0.0' });
    const answer = await rawPublish('lying-hash', (body) => {
      const version = (body.versions as Record<string, Record<string, unknown>>)['1.0.0'];
      version.dist = { ...(version.dist as object), integrity: `sha512-${createHash('sha512').update(other).digest('base64')}` };
    });
    expectRefusal(answer, 422, 'PAL_ERR_INVALID_PACKAGE', /integrity/);
    expect(await stack.blobCount()).toBe(blobs);
  });
});

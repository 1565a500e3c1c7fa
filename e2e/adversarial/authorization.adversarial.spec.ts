import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { packTarball, publishBody, runCleanups, runCommand, spawnNode, waitFor, type CommandResult } from '@palisade/testing';
import { NpmUser } from '../support/npm-cli';
import { createNpmUser, publishPackage } from '../support/registry-user';
import { startStack, type Stack } from '../support/stack';

// Issue 13, "Authorization" and "Secrets and defaults": each test drives the real HTTP API of one
// embedded stack (most with the real npm CLI or the `palisade` CLI) as an attacker would, and
// checks the status, the npm-shaped JSON error with its stable code, and that nothing was stored
// or claimed. The "no default password ships" item is tools/consistency/no-default-secrets.spec.ts.
const repo = resolve(__dirname, '../..');
/** The only address trusted as a reverse proxy; every other request comes from 127.0.0.1. */
const PROXY_ADDRESS = '127.0.0.2';
const MAX_TARBALL_BYTES = 64 * 1024;

let stack: Stack;
let db: Client;
let alice: NpmUser;
let bob: NpmUser;
let aliceToken: string;
let bobToken: string;

const password = (user: string) => `${user}s-long-password`;
const palisade = (user: NpmUser, args: readonly string[], env: Record<string, string> = {}): Promise<CommandResult> =>
  runCommand(process.execPath, ['-r', resolve(repo, 'libs/testing/register.cjs'), resolve(repo, 'apps/cli/src/main.ts'), ...args], { cwd: user.home, env: { ...user.env(), ...env } });

/** One HTTP request from `localAddress` (the client's address as the gateway sees it). */
function call(
  method: string,
  path: string,
  init: { token?: string; body?: unknown; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const url = new URL(path, stack.baseUrl);
  const payload = init.body === undefined ? undefined : Buffer.from(JSON.stringify(init.body));
  return new Promise((done, fail) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        localAddress: init.localAddress ?? '127.0.0.1',
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...init.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON: the assertions on `json` say so
          }
          done({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

const rows = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.query(sql, params)).rows as T[];
const tokenCount = async (user: string) => Number((await rows<{ n: string }>('SELECT count(*) AS n FROM palisade_gateway.account_tokens WHERE user_name = $1', [user]))[0].n);
const claimsOf = (user: string) =>
  rows(
    `SELECT 'name' AS kind, name AS key FROM palisade_gateway.name_claims WHERE owner = $1
     UNION ALL SELECT 'scope', scope FROM palisade_gateway.scope_owners WHERE owner = $1`,
    [user],
  );
const encoded = (name: string) => name.replace('/', '%2f');

async function loginToken(user: string): Promise<string> {
  const answer = await call('PUT', `/dev/-/user/org.couchdb.user:${user}`, { body: { name: user, password: password(user) } });
  expect(answer.status).toBe(201);
  return answer.json.token as string;
}

beforeAll(async () => {
  stack = await startStack('embedded', { PALISADE_TRUSTED_PROXIES: PROXY_ADDRESS, PALISADE_MAX_TARBALL_BYTES: String(MAX_TARBALL_BYTES) });
  if (!('embeddedDatabaseUrl' in stack.bus)) throw new Error('expected the embedded stack');
  db = new Client({ connectionString: stack.bus.embeddedDatabaseUrl });
  await db.connect();
  const dev = stack.registry('dev');
  alice = await createNpmUser(dev, stack.adminToken, 'alice');
  bob = await createNpmUser(dev, stack.adminToken, 'bob');
  aliceToken = await loginToken('alice');
  bobToken = await loginToken('bob');
  await publishPackage(alice, { name: '@adv/widget', version: '1.0.0', main: 'index.js' });
}, 240_000);

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await runCleanups();
});

describe('authorization', () => {
  it('only a maintainer (or an admin) may request a promotion; policy changes are for admins; recalls for maintainers', async () => {
    const status = async () =>
      ((await call('GET', '/dev/-/palisade/v1/status/@adv%2fwidget@1.0.0', { token: aliceToken })).json as { versions: Array<{ views: Array<{ view: string; state: string }> }> }).versions[0]
        .views;
    const before = await status();

    const cli = await palisade(bob, ['promote', '@adv/widget@1.0.0', '--to', 'staging']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('bob is not a maintainer of @adv/widget; only its maintainers and administrators may request its promotion');
    const api = await call('POST', '/dev/-/palisade/v1/promotions/@adv%2fwidget@1.0.0', { token: bobToken, body: { to: 'staging' } });
    expect(api).toMatchObject({ status: 403, json: { code: 'PAL_ERR_FORBIDDEN', error: expect.stringContaining('bob is not a maintainer of @adv/widget') } });
    // Nothing was requested: the staging state did not move, and no decision names bob.
    expect(await status()).toEqual(before);

    // The maintainer may.
    const byAlice = await call('POST', '/dev/-/palisade/v1/promotions/@adv%2fwidget@1.0.0', { token: aliceToken, body: { to: 'staging', dryRun: true } });
    expect(byAlice.status).not.toBe(403);

    // Policy: administrators only.
    const policyDir = await alice.project({ name: 'policy-holder', version: '0.0.0', private: true }, { 'policy.yaml': 'views: {}\n' });
    const apply = await palisade(bob, ['policy', 'apply', resolve(policyDir, 'policy.yaml')]);
    expect(apply.code).toBe(1);
    expect((await call('PUT', '/dev/-/palisade/v1/policy', { token: bobToken, body: { policy: 'views: {}\n' } })).json).toEqual({
      code: 'PAL_ERR_FORBIDDEN',
      error: 'forbidden: only administrators may change the promotion policy',
    });

    // Recalls: maintainers and administrators only.
    const recall = await palisade(bob, ['recall', 'open', '@adv/widget@1.0.0', '--reason', 'hostile', '--severity', 'critical']);
    expect(recall.code).toBe(1);
    expect(recall.stderr).toContain('bob is not a maintainer of @adv/widget');
    const recallApi = await call('POST', '/dev/-/palisade/v1/recalls', { token: bobToken, body: { spec: '@adv/widget@1.0.0', reason: 'hostile', severity: 'critical' } });
    expect(recallApi).toMatchObject({ status: 403, json: { code: 'PAL_ERR_FORBIDDEN' } });
    const listed = await call('GET', '/dev/-/palisade/v1/recalls?name=%40adv%2Fwidget', { token: aliceToken });
    expect(listed.status).toBe(200);
    expect((listed.json.recalls as unknown[] | undefined) ?? []).toEqual([]);
  }, 120_000);

  it('a refused publish claims neither its name nor its scope', async () => {
    const mallory = await createNpmUser(stack.registry('dev'), stack.adminToken, 'mallory');
    const malloryToken = await loginToken('mallory');
    const blobsBefore = await stack.blobCount();

    // The real npm CLI, refused for size (after or before the claim: either way nothing is claimed).
    const big = await mallory.project({ name: '@grab/first', version: '1.0.0' }, { 'blob.bin': randomBytes(MAX_TARBALL_BYTES * 2).toString('latin1') });
    const tooLarge = await mallory.npm(['publish'], big);
    expect(tooLarge.code).not.toBe(0);
    expect(tooLarge.stderr).toMatch(/E413|request too large/);

    // Refused by ingest (manifest confusion): the claim was taken before forwarding, and given back.
    const tarball = await packTarball({ name: '@grab/second', version: '1.0.0' });
    const confused = await call('PUT', '/dev/@grab%2fsecond', {
      token: malloryToken,
      body: publishBody({ name: '@grab/second', version: '1.0.0', dependencies: { 'left-pad': '1.0.0' } }, tarball),
    });
    expect(confused.status).toBe(422);
    expect(confused.json).toMatchObject({ code: 'PAL_ERR_INVALID_PACKAGE', error: expect.any(String) });

    expect(await claimsOf('mallory')).toEqual([]);
    expect(await rows(`SELECT name FROM palisade_gateway.package_maintainers WHERE name LIKE '@grab/%'`)).toEqual([]);
    expect(await stack.blobCount()).toBeLessThanOrEqual(blobsBefore + 1); // at most the refused tarball's blob, never a version

    // So the scope is still free: alice takes it.
    await publishPackage(alice, { name: '@grab/first', version: '1.0.0', main: 'index.js' });
    expect(await claimsOf('alice')).toEqual(expect.arrayContaining([{ kind: 'scope', key: '@grab' }, { kind: 'name', key: '@grab/first' }]));
    const refusedAgain = await mallory.npm(['publish'], await mallory.project({ name: '@grab/third', version: '1.0.0' }, { 'index.js': '1;\n' }));
    expect(refusedAgain.stderr).toContain('the scope @grab belongs to alice');
  }, 120_000);

  it('two users racing the first publish of a new name: exactly one wins, the other gets 403', async () => {
    const carol = await createNpmUser(stack.registry('dev'), stack.adminToken, 'carol');
    const dave = await createNpmUser(stack.registry('dev'), stack.adminToken, 'dave');
    for (let round = 1; round <= 3; round += 1) {
      const name = `race-${round}-${randomBytes(3).toString('hex')}`;
      // Different versions and an explicit tag, so that npm's own checks ("cannot publish over",
      // "cannot implicitly apply latest" when the other version landed first) never stop the later
      // one: the registry must.
      const versionOf = { carol: '1.0.0', dave: '1.0.1' } as const;
      const dirs = await Promise.all(
        (['carol', 'dave'] as const).map((who, i) => [carol, dave][i].project({ name, version: versionOf[who], description: `by ${who}`, main: 'index.js' }, { 'index.js': '1;\n' })),
      );
      const [byCarol, byDave] = await Promise.all([carol.npm(['publish', '--tag', 'latest'], dirs[0]), dave.npm(['publish', '--tag', 'latest'], dirs[1])]);
      const outcomes = [byCarol, byDave].map((r) => r.code === 0);
      expect({ round, winners: outcomes.filter(Boolean).length }).toEqual({ round, winners: 1 });
      const [winner, loser] = outcomes[0] ? (['carol', byDave] as const) : (['dave', byCarol] as const);
      expect(loser.stderr).toContain('E403');
      expect(loser.stderr).toMatch(/the name is claimed by another publisher|is not a maintainer of/);

      // Only the winner owns it, and `latest` is the winner's.
      expect(await rows('SELECT owner, accepted FROM palisade_gateway.name_claims WHERE name = $1', [name])).toEqual([{ owner: winner, accepted: true }]);
      expect(await rows('SELECT username FROM palisade_gateway.package_maintainers WHERE name = $1', [name])).toEqual([{ username: winner }]);
      let packument = await call('GET', `/dev/${name}`);
      await waitFor(async () => ((packument = await call('GET', `/dev/${name}`)).json.versions as object | undefined) !== undefined, { timeoutMs: 15_000, message: `${name} visible` });
      expect(packument.json).toMatchObject({ 'dist-tags': { latest: versionOf[winner] }, versions: { [versionOf[winner]]: { description: `by ${winner}` } } });
      expect(Object.keys(packument.json.versions as Record<string, unknown>)).toEqual([versionOf[winner]]);
    }

    // The JSON answer of the loser, over the raw API.
    const name = `race-raw-${randomBytes(3).toString('hex')}`;
    const carolToken = await loginToken('carol');
    const daveToken = await loginToken('dave');
    const bodies = await Promise.all([carolToken, daveToken].map(async () => publishBody({ name, version: '1.0.0' }, await packTarball({ name, version: '1.0.0' }))));
    const answers = await Promise.all([
      call('PUT', `/dev/${name}`, { token: carolToken, body: bodies[0] }),
      call('PUT', `/dev/${name}`, { token: daveToken, body: bodies[1] }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 403]);
    const lost = answers.find((a) => a.status === 403);
    expect(['PAL_ERR_NAME_CLAIMED', 'PAL_ERR_FORBIDDEN']).toContain(lost?.json.code);
    expect(typeof lost?.json.error).toBe('string');
  }, 180_000);

  it('a read-only token plus the password cannot mint a stronger token', async () => {
    const readonly = await call('POST', '/dev/-/npm/v1/tokens', { token: aliceToken, body: { password: password('alice'), readonly: true, cidr_whitelist: ['127.0.0.0/8'] } });
    expect(readonly).toMatchObject({ status: 201, json: { readonly: true, cidr_whitelist: ['127.0.0.0/8'] } });
    const readonlyToken = readonly.json.token as string;
    const before = await tokenCount('alice');

    // The real npm CLI with the read-only token in its config.
    const withReadonly = await NpmUser.create(stack.registry('dev'), readonlyToken);
    const minted = await withReadonly.npm(['token', 'create', `--password=${password('alice')}`], withReadonly.home);
    expect(minted.code).not.toBe(0);
    expect(minted.stderr).toContain('E403');
    expect(minted.stderr).toContain('a new token cannot have more rights than the credential that creates it');

    const api = await call('POST', '/dev/-/npm/v1/tokens', { token: readonlyToken, body: { password: password('alice'), readonly: false } });
    expect(api).toMatchObject({ status: 403, json: { code: 'PAL_ERR_TOKEN_ESCALATION', error: expect.stringContaining('read-only') } });
    const wider = await call('POST', '/dev/-/npm/v1/tokens', { token: readonlyToken, body: { password: password('alice'), readonly: true, cidr_whitelist: ['0.0.0.0/0'] } });
    expect(wider).toMatchObject({ status: 403, json: { code: 'PAL_ERR_TOKEN_ESCALATION' } });
    expect(await tokenCount('alice')).toBe(before);

    // What it may mint: read-only, inside its addresses (inherited when not asked).
    const allowed = await call('POST', '/dev/-/npm/v1/tokens', { token: readonlyToken, body: { password: password('alice'), readonly: true } });
    expect(allowed).toMatchObject({ status: 201, json: { readonly: true, cidr_whitelist: ['127.0.0.0/8'] } });
  }, 60_000);

  it('a login as an unknown user is answered exactly like a wrong password', async () => {
    const usersBefore = await rows('SELECT name FROM palisade_gateway.account_users ORDER BY name');
    const unknownCli = await bob.npm(['login', '--auth-type=legacy'], bob.home, [
      ['Username:', 'nobody-here'],
      ['Password:', 'some long password'],
    ]);
    const wrongCli = await bob.npm(['login', '--auth-type=legacy'], bob.home, [
      ['Username:', 'alice'],
      ['Password:', 'some long password'],
    ]);
    for (const run of [unknownCli, wrongCli]) {
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('E401');
      expect(run.stderr).toContain('incorrect username or password');
    }

    const timed = async (user: string) => {
      const started = process.hrtime.bigint();
      const answer = await call('PUT', `/dev/-/user/org.couchdb.user:${user}`, { body: { name: user, password: 'some long password', email: `${user}@example.test` } });
      return { answer, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    };
    const unknown = await timed('nobody-here');
    const wrong = await timed('alice');
    expect(unknown.answer.status).toBe(401);
    expect(unknown.answer.text).toBe(wrong.answer.text);
    expect(unknown.answer.json).toEqual({ code: 'PAL_ERR_BAD_CREDENTIALS', error: 'incorrect username or password: sign-up is closed: an administrator creates accounts' });
    // Both pay for one argon2id check (tens of ms): an unknown user is not answered at once.
    expect(unknown.ms).toBeGreaterThan(wrong.ms / 4);
    expect(await rows('SELECT name FROM palisade_gateway.account_users ORDER BY name')).toEqual(usersBefore);
  }, 60_000);

  it('X-Forwarded-Host and -Proto move tarball and login URLs only when they come from a trusted proxy', async () => {
    const forged = { 'x-forwarded-host': 'registry.attacker.test', 'x-forwarded-proto': 'https' };
    const tarballOf = (answer: { json: Record<string, unknown> }) => (answer.json as { versions: Record<string, { dist: { tarball: string } }> }).versions['1.0.0'].dist.tarball;

    const direct = await call('GET', '/dev/@adv%2fwidget', { headers: forged });
    expect(direct.status).toBe(200);
    expect(tarballOf(direct)).toBe(`${stack.baseUrl}/dev/@adv/widget/-/widget-1.0.0.tgz`);
    const login = await call('POST', '/dev/-/v1/login', { body: {}, headers: forged });
    expect(login.json.loginUrl).toMatch(new RegExp(`^${stack.baseUrl}/dev/-/v1/login/`));
    // npm itself, from an untrusted address, installs from the real host.
    const consumer = await createNpmUser(stack.registry('dev'), stack.adminToken, 'connie');
    const project = await consumer.project({ name: 'consumer', version: '1.0.0', private: true });
    expect((await consumer.npm(['install', '@adv/widget@1.0.0'], project)).code).toBe(0);

    const viaProxy = await call('GET', '/dev/@adv%2fwidget', { headers: forged, localAddress: PROXY_ADDRESS });
    expect(tarballOf(viaProxy)).toBe('https://registry.attacker.test/dev/@adv/widget/-/widget-1.0.0.tgz');

    // A refused request keeps the JSON error shape, whatever the headers say.
    const missing = await call('GET', `/dev/${encoded('@adv/none')}`, { headers: forged });
    expect(missing).toMatchObject({ status: 404, json: { code: 'PAL_ERR_NOT_FOUND' } });
  }, 60_000);
});

describe('secrets and defaults', () => {
  it('warns once, loudly, that the embedded KEK sits in the data folder, and a standalone signing service refuses to start without an external one', async () => {
    const warnings = stack
      .processes()
      .flatMap((child) => child.stdout)
      .filter((line) => line.includes('signing.kek') && line.includes('PALISADE_SIGNING_KEK_FILE'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: 'warn', msg: expect.stringContaining('next to the keys it protects') });

    const standalone = spawnNode(resolve(repo, 'services/signing/src/main.ts'), { env: { PALISADE_DATA_DIR: '/nonexistent-palisade-data' } });
    const exit = await standalone.exited;
    expect(exit.code).toBe(78);
    const stderr = standalone.stderr.join('\n');
    expect(stderr).toContain('palisade-signing: Invalid configuration');
    expect(stderr).toContain('PALISADE_SIGNING_KEK: required when the signing service runs on its own');
  }, 60_000);
});

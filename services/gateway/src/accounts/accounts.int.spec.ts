import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EmbeddedBus } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { FileSystemBlobStore } from '@palisade/storage';
import { createTestDatabase, freePort, runCleanups, tempDir } from '@palisade/testing';
import { gatewayService } from '../gateway.service';
import { Authenticator } from '../http/registry-request';

// The gateway's schema name is fixed, so this file gets a database of its own.
let databaseUrl: string;
const bootstrapToken = `boot-${randomBytes(24).toString('hex')}`;
const logLines: string[] = [];

let bus: EmbeddedBus;
let service: RunningService;
let registry: string;
let env: Record<string, string>;

async function boot(): Promise<void> {
  service = await startService(gatewayService, {
    bus,
    telemetry: false,
    blobStore: new FileSystemBlobStore({ root: join(env.PALISADE_DATA_DIR, 'blobs') }),
    env,
    logDestination: new Writable({ write: (chunk, _enc, done) => void (logLines.push(String(chunk)), done()) }),
  });
  registry = `${service.url}/dev`;
}

const sha512 = (text: string) => createHash('sha512').update(text).digest('hex');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

async function call(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${registry}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : json), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML pages stay text
  }
  return { status: response.status, headers: response.headers, body: body as Record<string, unknown> & string };
}

const couchPut = (name: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('PUT', `/-/user/org.couchdb.user:${encodeURIComponent(name)}`, { body: { _id: `org.couchdb.user:${name}`, name, type: 'user', roles: [], ...body }, headers });

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return service.dataSource.query(sql, params);
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase('gw_accounts');
  bus = await EmbeddedBus.open({ url: databaseUrl, schema: 'palisade_bus', pollIntervalMs: 50 });
  env = {
    PALISADE_DATABASE_URL: databaseUrl,
    PALISADE_PORT: String(await freePort()),
    PALISADE_DATA_DIR: await tempDir('gw-accounts-'),
    PALISADE_BOOTSTRAP_TOKEN: bootstrapToken,
    PALISADE_OPEN_SIGNUP: 'false',
    PALISADE_LOG_LEVEL: 'info',
  };
  await boot();
});

afterAll(async () => {
  await service?.stop();
  await bus?.close();
  await runCleanups();
});

describe('bootstrap administrator', () => {
  it('seeds user admin with the bootstrap token, idempotently across restarts, without logging it', async () => {
    expect((await call('GET', '/-/whoami', { headers: bearer(bootstrapToken) })).body).toEqual({ username: 'admin' });
    await service.stop();
    await boot();
    expect((await call('GET', '/-/whoami', { headers: bearer(bootstrapToken) })).body).toEqual({ username: 'admin' });
    expect(await rows('SELECT name, admin, password_hash FROM account_users')).toEqual([{ name: 'admin', admin: true, password_hash: null }]);
    expect(await rows('SELECT key, kind FROM account_tokens')).toEqual([{ key: sha512(bootstrapToken), kind: 'bootstrap' }]);
    expect(logLines.join('')).toContain('bootstrap admin token stored');
    expect(logLines.join('')).not.toContain(bootstrapToken);
  });
});

describe('legacy (couch) login and adduser', () => {
  it('refuses sign-up when it is closed, answering as for a wrong password (no account enumeration)', async () => {
    const answer = await couchPut('mallory', { password: 'long enough pw', email: 'm@example.org' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ code: 'PAL_ERR_BAD_CREDENTIALS', error: 'incorrect username or password: sign-up is closed: an administrator creates accounts' });
  });

  it('lets an admin create users, validating them, and stores only an argon2id hash', async () => {
    const invalid = await couchPut('Bad Name', { password: 'short', email: 'nope' }, bearer(bootstrapToken));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/lower case.*email address.*at least 8/);
    expect((await couchPut('admin', { password: 'long enough pw', email: 'a@example.org' }, bearer(bootstrapToken))).status).toBe(401);

    const created = await couchPut('alice', { password: 'alice password', email: 'alice@example.org' }, bearer(bootstrapToken));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ok: "user 'alice' created", token: expect.stringMatching(/^pal_[A-Za-z0-9_-]{43}$/) });
    const [user] = await rows<{ password_hash: string; admin: boolean }>(`SELECT password_hash, admin FROM account_users WHERE name = 'alice'`);
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(user.admin).toBe(false);
    const stored = JSON.stringify(await rows('SELECT * FROM account_tokens'));
    expect(stored).toContain(sha512(created.body.token as string));
    expect(stored).not.toContain(created.body.token);
  });

  it('logs an existing user in with a new token, and refuses a wrong password', async () => {
    const ok = await couchPut('alice', { password: 'alice password' });
    expect(ok.status).toBe(201);
    expect(ok.body.ok).toBe("you are authenticated as 'alice'");
    expect((await call('GET', '/-/whoami', { headers: bearer(ok.body.token as string) })).body).toEqual({ username: 'alice' });
    const wrong = await couchPut('alice', { password: 'not her password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'PAL_ERR_BAD_CREDENTIALS' });
    expect((await call('PUT', '/-/user/org.couchdb.user:alice', { body: { name: 'bob', password: 'x' } })).status).toBe(400);
  });

  it('shows {name, email} to signed-in callers only', async () => {
    const anonymous = await call('GET', '/-/user/org.couchdb.user:alice');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="palisade"');
    const seen = await call('GET', '/-/user/org.couchdb.user:alice', { headers: bearer(bootstrapToken) });
    expect(seen.body).toMatchObject({ name: 'alice', email: 'alice@example.org' });
    expect(JSON.stringify(seen.body)).not.toContain('argon2');
    expect((await call('GET', '/-/user/org.couchdb.user:nobody', { headers: bearer(bootstrapToken) })).status).toBe(404);
  });
});

describe('whoami and authentication', () => {
  let token: string;
  beforeAll(async () => {
    token = (await couchPut('alice', { password: 'alice password' })).body.token as string;
  });

  it('answers under every view prefix and for HTTP basic credentials', async () => {
    for (const prefix of ['', '/dev', '/prod']) {
      const response = await fetch(`${service.url}${prefix}/-/whoami`, { headers: bearer(token) });
      expect(await response.json()).toEqual({ username: 'alice' });
    }
    const basic = { authorization: `Basic ${Buffer.from('alice:alice password').toString('base64')}` };
    expect((await call('GET', '/-/whoami', { headers: basic })).body).toEqual({ username: 'alice' });
  });

  it('answers 401 with a bearer challenge for missing or invalid credentials', async () => {
    for (const headers of [{}, bearer('pal_nope'), { authorization: `Basic ${Buffer.from('alice:wrong').toString('base64')}` }]) {
      const answer = await call('GET', '/-/whoami', { headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="palisade"');
      expect(answer.body).toMatchObject({ code: 'PAL_ERR_UNAUTHORIZED' });
    }
  });

  it('refuses expired tokens', async () => {
    const fresh = (await couchPut('alice', { password: 'alice password' })).body.token as string;
    await rows(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE key = $1`, [sha512(fresh)]);
    expect((await call('GET', '/-/whoami', { headers: bearer(fresh) })).status).toBe(401);
  });

  it('records last use at most once a minute', async () => {
    const fresh = (await couchPut('alice', { password: 'alice password' })).body.token as string;
    const lastUsed = async () => (await rows<{ last_used_at: Date | null }>('SELECT last_used_at FROM account_tokens WHERE key = $1', [sha512(fresh)]))[0].last_used_at;
    expect(await lastUsed()).toBeNull();
    await call('GET', '/-/whoami', { headers: bearer(fresh) });
    let first: Date | null = null;
    for (let i = 0; i < 50 && first === null; i += 1) {
      first = await lastUsed();
      if (first === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(first).toBeInstanceOf(Date);
    await rows(`UPDATE account_tokens SET last_used_at = last_used_at - interval '10 seconds' WHERE key = $1`, [sha512(fresh)]);
    const backdated = await lastUsed();
    await call('GET', '/-/whoami', { headers: bearer(fresh) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await lastUsed()).toEqual(backdated);
  });
});

describe('tokens API', () => {
  let login: string;
  beforeAll(async () => {
    login = (await couchPut('alice', { password: 'alice password' })).body.token as string;
  });

  it('creates a token only with the password, returning its value once', async () => {
    const wrong = await call('POST', '/-/npm/v1/tokens', { body: { password: 'nope' }, headers: bearer(login) });
    expect(wrong.status).toBe(401);
    expect((await call('POST', '/-/npm/v1/tokens', { body: { password: 'alice password' } })).status).toBe(401);
    const invalid = await call('POST', '/-/npm/v1/tokens', { body: { password: 'alice password', cidr_whitelist: ['nope'] }, headers: bearer(login) });
    expect(invalid.status).toBe(400);

    const created = await call('POST', '/-/npm/v1/tokens', {
      body: { password: 'alice password', name: 'ci', expires: 7, scopes: ['acme'], packages: ['left-pad'], packages_and_scopes_permission: 'read-write' },
      headers: bearer(login),
    });
    expect(created.status).toBe(201);
    const value = created.body.token as string;
    expect(created.body).toMatchObject({ key: sha512(value), name: 'ci', readonly: false, scopes: ['@acme'], packages: ['left-pad'], cidr_whitelist: null });
    expect(Date.parse(created.body.expires as string) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    const principal = await service.app.get(Authenticator).authenticate(`Bearer ${value}`);
    expect(principal).toEqual({ user: 'alice', tokenId: sha512(value), readonly: false, admin: false, allowedPackages: ['@acme', 'left-pad'] });

    const list = await call('GET', '/-/npm/v1/tokens', { headers: bearer(login) });
    expect(list.status).toBe(200);
    expect(list.body.urls).toEqual({ next: '' });
    const objects = list.body.objects as Array<Record<string, unknown>>;
    expect(list.body.total).toBe(objects.length);
    const listed = objects.find((o) => o.key === sha512(value));
    expect(listed).toMatchObject({ token: value.slice(0, 10), name: 'ci', readonly: false, cidr_whitelist: null });
    expect(JSON.stringify(list.body)).not.toContain(value);
    expect(JSON.stringify(list.body)).not.toContain(login);
  });

  it('pages the list', async () => {
    const first = await call('GET', '/-/npm/v1/tokens?perPage=2', { headers: bearer(login) });
    expect(first.body.objects).toHaveLength(2);
    expect(first.body.urls).toEqual({ next: `${registry}/-/npm/v1/tokens?page=1&perPage=2` });
    const second = await fetch((first.body.urls as { next: string }).next, { headers: bearer(login) });
    const body = (await second.json()) as { objects: Array<{ key: string }> };
    expect(body.objects.map((o) => o.key)).not.toContain((first.body.objects as Array<{ key: string }>)[0].key);
  });

  it('makes read-only tokens, which cannot revoke their owner’s other tokens', async () => {
    const readonly = await call('POST', '/-/npm/v1/tokens', { body: { password: 'alice password', readonly: true }, headers: bearer(login) });
    const principal = await service.app.get(Authenticator).authenticate(`Bearer ${readonly.body.token as string}`);
    expect(principal).toMatchObject({ user: 'alice', readonly: true });
    expect(principal?.allowedPackages).toBeUndefined();
    const revokeWithReadonly = await call('DELETE', `/-/npm/v1/tokens/token/${sha512(login)}`, { headers: bearer(readonly.body.token as string) });
    expect(revokeWithReadonly.status).toBe(403);
    expect(revokeWithReadonly.body).toMatchObject({ code: 'PAL_ERR_TOKEN_READONLY' });
  });

  it('enforces CIDR whitelists when the client address is known, and fails closed when it is not', async () => {
    const created = await call('POST', '/-/npm/v1/tokens', { body: { password: 'alice password', cidr_whitelist: ['10.0.0.0/8'] }, headers: bearer(login) });
    expect(created.body.cidr_whitelist).toEqual(['10.0.0.0/8']);
    const authenticator = service.app.get(Authenticator) as Authenticator & { authenticate(header: string, ip?: string): ReturnType<Authenticator['authenticate']> };
    const header = `Bearer ${created.body.token as string}`;
    expect(await authenticator.authenticate(header, '10.20.30.40')).toMatchObject({ user: 'alice' });
    expect(await authenticator.authenticate(header, '127.0.0.1')).toBeNull();
    expect(await authenticator.authenticate(header)).toBeNull();
    expect((await call('GET', '/-/whoami', { headers: { authorization: header } })).status).toBe(401);
  });

  it('revokes by key (owner or admin only) with immediate effect on this replica', async () => {
    const created = await call('POST', '/-/npm/v1/tokens', { body: { password: 'alice password' }, headers: bearer(login) });
    const value = created.body.token as string;
    expect((await call('GET', '/-/whoami', { headers: bearer(value) })).status).toBe(200);

    const bob = await couchPut('bob', { password: 'bob password', email: 'bob@example.org' }, bearer(bootstrapToken));
    const byBob = await call('DELETE', `/-/npm/v1/tokens/token/${sha512(value)}`, { headers: bearer(bob.body.token as string) });
    expect(byBob.status).toBe(404);
    expect((await call('GET', '/-/whoami', { headers: bearer(value) })).status).toBe(200);

    const revoked = await call('DELETE', `/-/npm/v1/tokens/token/${sha512(value)}`, { headers: bearer(login) });
    expect(revoked.status).toBe(200);
    expect((await call('GET', '/-/whoami', { headers: bearer(value) })).status).toBe(401);
    const list = await call('GET', '/-/npm/v1/tokens', { headers: bearer(login) });
    expect((list.body.objects as Array<{ key: string }>).map((o) => o.key)).not.toContain(sha512(value));
    expect((await call('DELETE', `/-/npm/v1/tokens/token/${sha512(value)}`, { headers: bearer(login) })).status).toBe(404);

    const other = (await call('POST', '/-/npm/v1/tokens', { body: { password: 'alice password' }, headers: bearer(login) })).body.token as string;
    expect((await call('DELETE', `/-/npm/v1/tokens/token/${sha512(other)}`, { headers: bearer(bootstrapToken) })).status).toBe(200);
    expect((await call('GET', '/-/whoami', { headers: bearer(other) })).status).toBe(401);
  });

  it('revokes by the token value and by a unique key prefix', async () => {
    const byValue = (await call('POST', '/-/npm/v1/tokens', { body: { password: 'alice password' }, headers: bearer(login) })).body.token as string;
    expect((await call('DELETE', `/-/npm/v1/tokens/token/${encodeURIComponent(byValue)}`, { headers: bearer(login) })).status).toBe(200);
    expect((await call('GET', '/-/whoami', { headers: bearer(byValue) })).status).toBe(401);
    const byPrefix = (await call('POST', '/-/npm/v1/tokens', { body: { password: 'alice password' }, headers: bearer(login) })).body.token as string;
    expect((await call('DELETE', `/-/npm/v1/tokens/token/${sha512(byPrefix).slice(0, 16)}`, { headers: bearer(login) })).status).toBe(200);
    expect((await call('GET', '/-/whoami', { headers: bearer(byPrefix) })).status).toBe(401);
  });

  it('logs out: DELETE /-/user/token/<token> revokes it at once', async () => {
    const session = (await couchPut('alice', { password: 'alice password' })).body.token as string;
    expect((await call('GET', '/-/whoami', { headers: bearer(session) })).status).toBe(200);
    const out = await call('DELETE', `/-/user/token/${encodeURIComponent(session)}`, { headers: bearer(session) });
    expect(out).toMatchObject({ status: 200, body: { ok: 'Logged out' } });
    expect((await call('GET', '/-/whoami', { headers: bearer(session) })).status).toBe(401);
    const [row] = await rows<{ revoked_at: Date | null }>('SELECT revoked_at FROM account_tokens WHERE key = $1', [sha512(session)]);
    expect(row.revoked_at).toBeInstanceOf(Date);
  });
});

describe('web login', () => {
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  async function start(): Promise<{ loginUrl: string; doneUrl: string }> {
    const answer = await call('POST', '/-/v1/login', { body: {} });
    expect(answer.status).toBe(200);
    return answer.body as unknown as { loginUrl: string; doneUrl: string };
  }

  it('runs pending → approved → one token → gone, with absolute URLs under the view prefix', async () => {
    const { loginUrl, doneUrl } = await start();
    expect(loginUrl).toMatch(new RegExp(`^${registry}/-/v1/login/[A-Za-z0-9_-]{43}$`));
    expect(doneUrl).toMatch(new RegExp(`^${registry}/-/v1/done\\?sessionId=[A-Za-z0-9_-]{43}$`));

    const pending = await fetch(doneUrl);
    expect([pending.status, pending.headers.get('retry-after'), await pending.json()]).toEqual([202, '1', {}]);

    const page = await fetch(loginUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('name="password"');

    const wrong = await fetch(loginUrl, form({ username: 'alice', password: 'wrong password' }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Incorrect user name or password');
    expect((await fetch(doneUrl)).status).toBe(202);

    const approved = await fetch(loginUrl, form({ username: 'alice', password: 'alice password' }));
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain('You are logged in as alice');

    const done = await fetch(doneUrl);
    expect(done.status).toBe(200);
    const { token } = (await done.json()) as { token: string };
    expect((await call('GET', '/-/whoami', { headers: bearer(token) })).body).toEqual({ username: 'alice' });

    const again = await fetch(doneUrl);
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ code: 'PAL_ERR_LOGIN_EXPIRED' });
    expect((await fetch(loginUrl)).status).toBe(410);
    expect((await fetch(loginUrl, form({ username: 'alice', password: 'alice password' }))).status).toBe(410);
  });

  it('answers 404 for unknown sessions and 410 once a session expired', async () => {
    expect((await call('GET', `/-/v1/done?sessionId=${'x'.repeat(43)}`)).status).toBe(404);
    expect((await call('GET', '/-/v1/done?sessionId=short')).status).toBe(404);
    expect((await call('GET', '/-/v1/done')).status).toBe(400);
    expect((await fetch(`${registry}/-/v1/login/${'y'.repeat(43)}`)).status).toBe(404);

    const { loginUrl, doneUrl } = await start();
    await fetch(loginUrl, form({ username: 'alice', password: 'alice password' }));
    await rows(`UPDATE account_login_sessions SET expires_at = now() - interval '1 second'`);
    expect((await fetch(doneUrl)).status).toBe(410);
    expect((await fetch(loginUrl)).status).toBe(410);
  });

  it('never creates accounts while sign-up is closed, even for npm adduser', async () => {
    const answer = await call('POST', '/-/v1/login', { body: { create: true } });
    const { loginUrl } = answer.body as unknown as { loginUrl: string };
    expect(await (await fetch(loginUrl)).text()).not.toContain('name="email"');
    const attempt = await fetch(loginUrl, form({ username: 'eve', password: 'eve password', email: 'eve@example.org' }));
    expect(attempt.status).toBe(401);
    expect(await rows(`SELECT name FROM account_users WHERE name = 'eve'`)).toEqual([]);
  });
});

describe('bootstrap token lifecycle', () => {
  it('refuses to start with a short bootstrap token', async () => {
    const weak = startService(gatewayService, {
      bus,
      telemetry: false,
      blobStore: new FileSystemBlobStore({ root: join(env.PALISADE_DATA_DIR, 'blobs') }),
      env: { ...env, PALISADE_PORT: String(await freePort()), PALISADE_BOOTSTRAP_TOKEN: 'too-short' },
      logDestination: new Writable({ write: (_chunk, _enc, done) => done() }),
    });
    await expect(weak).rejects.toMatchObject({ code: 'GATEWAY_BOOTSTRAP_TOKEN_WEAK' });
  });

  it('keeps a revoked bootstrap token revoked across restarts', async () => {
    expect((await call('DELETE', `/-/user/token/${encodeURIComponent(bootstrapToken)}`)).status).toBe(200);
    expect((await call('GET', '/-/whoami', { headers: bearer(bootstrapToken) })).status).toBe(401);
    await service.stop();
    await boot();
    expect((await call('GET', '/-/whoami', { headers: bearer(bootstrapToken) })).status).toBe(401);
    expect(logLines.join('')).toContain('the bootstrap token was revoked and stays revoked');
  });
});

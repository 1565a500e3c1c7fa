import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EmbeddedBus } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { FileSystemBlobStore } from '@palisade/storage';
import { createTestDatabase, freePort, runCleanups, runCommand, tempDir, type CommandResult, type RunCommandOptions } from '@palisade/testing';
import { gatewayService } from '../gateway.service';

// The real npm CLI against the account routes. The gateway's schema name is fixed, so this file
// gets a database of its own.
let databaseUrl: string;

let bus: EmbeddedBus;
let service: RunningService;
let registry: string;
let home: string;

type NpmRun = CommandResult;

/** Runs npm with its own user config, cache and registry, in an empty folder. */
function npm(args: string[], options: Pick<RunCommandOptions, 'prompts' | 'onOutput'> = {}): Promise<NpmRun> {
  return runCommand('npm', args, {
    ...options,
    cwd: home,
    timeoutMs: 30_000,
    env: {
      ...process.env,
      npm_config_userconfig: join(home, '.npmrc'),
      npm_config_globalconfig: join(home, 'global-npmrc'),
      npm_config_cache: join(home, 'cache'),
      npm_config_registry: registry,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_color: 'false',
      NO_COLOR: '1',
    },
  });
}

const savedToken = async (): Promise<string | undefined> => {
  const npmrc = await readFile(join(home, '.npmrc'), 'utf8').catch(() => '');
  const nerfDart = registry.replace(/^http:/, '');
  return new RegExp(`^${nerfDart.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:_authToken=(.+)$`, 'm').exec(npmrc)?.[1];
};

const whoamiStatus = async (token: string) => (await fetch(`${registry}-/whoami`, { headers: { authorization: `Bearer ${token}` } })).status;

const LOGIN_URL = /(http:\/\/\S+\/-\/v1\/login\/[A-Za-z0-9_-]{43})\s/;

/** Plays the person at the browser: opens the login URL npm printed and posts the form. */
async function approveInBrowser(loginUrl: string, fields: Record<string, string>): Promise<{ page: string; status: number }> {
  const page = await (await fetch(loginUrl)).text();
  const answer = await fetch(loginUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { page, status: answer.status };
}

/** Runs an `npm login`/`npm adduser` web flow, approving it as soon as npm prints the URL. */
async function webLogin(command: 'login' | 'adduser', fields: Record<string, string>): Promise<{ run: NpmRun; page: string; status: number }> {
  let approval: Promise<{ page: string; status: number }> | undefined;
  const run = await npm([command, '--auth-type=web'], {
    onOutput: (output) => {
      const loginUrl = LOGIN_URL.exec(output)?.[1];
      if (loginUrl && !approval) approval = approveInBrowser(loginUrl, fields);
    },
  });
  if (!approval) throw new Error(`npm printed no login URL:\n${run.stdout}${run.stderr}`);
  return { run, ...(await approval) };
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase('gw_accounts');
  bus = await EmbeddedBus.open({ url: databaseUrl, schema: 'palisade_bus', pollIntervalMs: 50 });
  const dataDir = await tempDir('gw-accounts-npm-');
  home = await tempDir('gw-accounts-npm-home-');
  await writeFile(join(home, 'global-npmrc'), '');
  service = await startService(gatewayService, {
    bus,
    telemetry: false,
    blobStore: new FileSystemBlobStore({ root: join(dataDir, 'blobs') }),
    env: {
      PALISADE_DATABASE_URL: databaseUrl,
      PALISADE_PORT: String(await freePort()),
      PALISADE_DATA_DIR: dataDir,
      PALISADE_OPEN_SIGNUP: 'true',
      PALISADE_LOG_LEVEL: 'warn',
    },
    logDestination: new Writable({ write: (_chunk, _enc, done) => done() }),
  });
  registry = `${service.url}/dev/`;
});

afterAll(async () => {
  await service?.stop();
  await bus?.close();
  await runCleanups();
});

describe('npm CLI against the account routes', () => {
  it('npm adduser --auth-type=legacy creates the account and saves its token for the view', async () => {
    const run = await npm(['adduser', '--auth-type=legacy'], {
      prompts: [
        ['Username:', 'dave'],
        ['Password:', 'dave password'],
        ['Email', 'dave@example.org'],
      ],
    });
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`Logged in on ${registry}`);
    const token = await savedToken();
    expect(token).toMatch(/^pal_/);
    expect((await npm(['whoami'])).stdout.trim()).toBe('dave');
  });

  it('npm login --auth-type=legacy logs in, and reports a wrong password', async () => {
    const before = await savedToken();
    const run = await npm(['login', '--auth-type=legacy'], { prompts: [['Username:', 'dave'], ['Password:', 'dave password']] });
    expect(run.code).toBe(0);
    const after = await savedToken();
    expect(after).toMatch(/^pal_/);
    expect(after).not.toBe(before);

    const wrong = await npm(['login', '--auth-type=legacy'], { prompts: [['Username:', 'dave'], ['Password:', 'not dave']] });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('E401');
    expect(wrong.stderr).toContain('incorrect username or password');
    expect(await savedToken()).toBe(after);
  });

  it('npm token create / list / revoke', async () => {
    const created = await npm(['token', 'create', '--password=dave password', '--name=ci-publish', '--scopes=acme', '--expires=30']);
    expect(created.code).toBe(0);
    const value = /Created token (pal_\S+)/.exec(created.stdout)?.[1] as string;
    expect(value).toBeDefined();
    expect(created.stdout).toMatch(/expires: \d{4}-\d{2}-\d{2}T/);
    expect(await whoamiStatus(value)).toBe(200);

    const refused = await npm(['token', 'create', '--password=wrong password']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('E401');

    const listed = await npm(['token', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`Token ${value.slice(0, 10)}… with id`);
    expect(listed.stdout).toContain('name ci-publish');
    expect(listed.stdout).not.toContain(value);

    const json = JSON.parse((await npm(['token', 'list', '--json'])).stdout) as Array<{ id: string; name: string; scopes: string[] }>;
    const entry = json.find((token) => token.name === 'ci-publish') as { id: string; scopes: string[] };
    expect(entry.scopes).toEqual(['@acme']);
    const revoked = await npm(['token', 'revoke', entry.id]);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining('Removed 1 token') });
    expect(await whoamiStatus(value)).toBe(401);
    expect((await npm(['token', 'list'])).stdout).not.toContain('ci-publish');

    const second = /Created token (pal_\S+)/.exec((await npm(['token', 'create', '--password=dave password'])).stdout)?.[1] as string;
    expect((await npm(['token', 'revoke', second])).code).toBe(0);
    expect(await whoamiStatus(second)).toBe(401);
  });

  it('npm logout revokes the token on the registry and forgets it locally', async () => {
    const token = (await savedToken()) as string;
    expect(await whoamiStatus(token)).toBe(200);
    const run = await npm(['logout']);
    expect(run.code).toBe(0);
    expect(await savedToken()).toBeUndefined();
    expect(await whoamiStatus(token)).toBe(401);
    const whoami = await npm(['whoami']);
    expect(whoami.code).not.toBe(0);
    expect(whoami.stderr).toContain('ENEEDAUTH');
  });

  it('npm login (web) finishes once the person signs in on the printed page', async () => {
    const { run, page, status } = await webLogin('login', { username: 'dave', password: 'dave password' });
    expect(page).toContain('name="password"');
    expect(page).not.toContain('name="email"');
    expect(status).toBe(200);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Login at:');
    expect(await savedToken()).toMatch(/^pal_/);
    expect((await npm(['whoami'])).stdout.trim()).toBe('dave');
  });

  it('npm adduser (web) creates the account on the page when sign-up is open', async () => {
    const { run, page, status } = await webLogin('adduser', { username: 'erin', password: 'erin password', email: 'erin@example.org' });
    expect(page).toContain('name="email"');
    expect(status).toBe(200);
    expect(run.code).toBe(0);
    expect((await npm(['whoami'])).stdout.trim()).toBe('erin');
    expect(await service.dataSource.query(`SELECT email FROM account_users WHERE name = 'erin'`)).toEqual([{ email: 'erin@example.org' }]);
  });
});

import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCleanups, tempDir } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from './__fixtures__/gateway-harness';

// The stock npm CLI against the gateway: publish, install, view, deprecate, dist-tag, owner, search, unpublish.
const run = promisify(execFile);
let h: GatewayHarness;
let work: string;
let npmrc: string;
let bobrc: string;

async function npm(args: string[], options: { cwd?: string; userconfig?: string } = {}): Promise<string> {
  const { stdout } = await run('npm', [...args, '--userconfig', options.userconfig ?? npmrc], {
    cwd: options.cwd ?? work,
    env: { ...process.env, npm_config_cache: join(work, 'cache'), npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  return stdout;
}

async function writeRc(path: string, token: string): Promise<void> {
  const registry = `${h.origin}/dev/`;
  await writeFile(path, `registry=${registry}\n${registry.replace(/^http:/, '')}:_authToken=${token}\n`);
}

beforeAll(async () => {
  h = await startGatewayHarness(`gw_pkgs_npm_${process.pid}`);
  work = await tempDir('gw-npm-');
  npmrc = join(work, 'alice.npmrc');
  bobrc = join(work, 'bob.npmrc');
  await writeRc(npmrc, await h.createUser('alice'));
  await writeRc(bobrc, await h.createUser('bob'));
  for (const version of ['1.0.0', '1.1.0']) {
    const dir = join(work, `src-${version}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: '@acme/cli-test', version, main: 'index.js' }));
    await writeFile(join(dir, 'index.js'), `module.exports = '${version}';\n`);
    await npm(['publish'], { cwd: dir });
  }
});

afterAll(() => runCleanups());

it('works with the npm CLI end to end', async () => {
  expect(JSON.parse(await npm(['view', '@acme/cli-test', 'versions', '--json']))).toEqual(['1.0.0', '1.1.0']);

  const app = join(work, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  await npm(['install', '@acme/cli-test@1.0.0'], { cwd: app });
  expect(await readFile(join(app, 'node_modules/@acme/cli-test/index.js'), 'utf8')).toBe("module.exports = '1.0.0';\n");
  const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { integrity: string }> };
  expect(lock.packages['node_modules/@acme/cli-test'].integrity).toMatch(/^sha512-/);

  await npm(['deprecate', '@acme/cli-test@1.0.0', 'use 1.1']);
  expect((await npm(['view', '@acme/cli-test@1.0.0', 'deprecated'])).trim()).toBe('use 1.1');

  await npm(['dist-tag', 'add', '@acme/cli-test@1.0.0', 'stable']);
  expect(await npm(['dist-tag', 'ls', '@acme/cli-test'])).toBe('latest: 1.1.0\nstable: 1.0.0\n');

  await npm(['owner', 'add', 'bob', '@acme/cli-test']);
  expect(await npm(['owner', 'ls', '@acme/cli-test'])).toBe('alice <alice@example.test>\nbob <bob@example.test>\n');

  await npm(['unpublish', '@acme/cli-test@1.1.0'], { userconfig: bobrc });
  expect(JSON.parse(await npm(['view', '@acme/cli-test', 'versions', '--json']))).toEqual(['1.0.0']);
  expect((await npm(['view', '@acme/cli-test', 'dist-tags.latest'])).trim()).toBe('1.0.0');

  await expect(npm(['publish'], { cwd: join(work, 'src-1.0.0') })).rejects.toThrow(/E409.*cannot publish over the previously published version 1\.0\.0/s);

  const [hit] = JSON.parse(await npm(['search', 'cli-test', '--json'])) as Array<{ name: string; version: string }>;
  expect(hit).toMatchObject({ name: '@acme/cli-test', version: '1.0.0' });

  await npm(['unpublish', '@acme/cli-test', '--force']);
  await expect(npm(['view', '@acme/cli-test'])).rejects.toThrow(/E404/);
}, 60_000);

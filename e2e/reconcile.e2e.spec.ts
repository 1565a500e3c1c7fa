import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, runCleanups, runCommand, waitFor, type CommandResult } from '@palisade/testing';
import type { NpmUser } from './support/npm-cli';
import { createNpmUser, publishPackage } from './support/registry-user';
import { startStack, type Stack, type StackMode } from './support/stack';

// Reconciliation end to end: a version whose signing step was dead-lettered (the signing store
// refused its writes five times) stays uninstallable, although every service is up again;
// `palisade reconcile` finds the missing step, re-issues it, and the version becomes installable
// with its published integrity. A second run finds nothing, and nothing was applied twice: one
// signature, one transparency-log entry, one admission to dev.
const modes: StackMode[] = ['distributed', 'embedded'];
const repo = resolve(__dirname, '..');
const NAME = '@recon/widget';
const DEAD_LETTER = 'message dead-lettered by signing_registry_evt_version_ingested';

interface ReportJson {
  versionsChecked: number;
  steps: Array<{ step: string; missing: number; reissued: number; failed: number }>;
  findings: Array<{ name: string; version: string; step: string; consumer: string; outcome: string }>;
}

describe.each(modes)('reconcile (%s mode)', (mode) => {
  let stack: Stack;
  let alice: NpmUser;
  let db: Client;

  const palisade = (args: readonly string[]): Promise<CommandResult> =>
    runCommand(process.execPath, ['-r', resolve(repo, 'libs/testing/register.cjs'), resolve(repo, 'apps/cli/src/main.ts'), ...args], {
      cwd: alice.home,
      env: { ...alice.env(), PALISADE_TOKEN: stack.adminToken },
    });
  const reportOf = (result: CommandResult): ReportJson => {
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(result.stdout) as ReportJson;
  };
  const ours = (report: ReportJson) => report.findings.filter((f) => f.name === NAME).map(({ step, consumer, outcome }) => ({ step, consumer, outcome }));
  const devVersions = async (): Promise<Record<string, unknown>> => {
    const response = await fetch(`${stack.registry('dev')}${NAME.replace('/', '%2f')}`, { headers: { accept: 'application/json' } });
    return response.status === 200 ? ((await response.json()) as { versions: Record<string, unknown> }).versions : {};
  };
  const count = async (sql: string): Promise<number> => ((await db.query<{ n: number }>(sql, [NAME])).rows[0]?.n ?? -1);

  beforeAll(async () => {
    const databaseUrl = mode === 'distributed' ? await createTestDatabase('e2e') : undefined;
    // No periodic runs: the test decides when reconciliation happens.
    stack = await startStack(mode, { PALISADE_RECONCILE_INTERVAL: '0' }, databaseUrl ? { databaseUrl } : {});
    db = new Client({ connectionString: databaseUrl ?? ('embeddedDatabaseUrl' in stack.bus ? stack.bus.embeddedDatabaseUrl : '') });
    await db.connect();
    alice = await createNpmUser(stack.registry('dev'), stack.adminToken, 'alice');
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await runCleanups();
  });

  it('re-issues a dead-lettered signing step once; the version becomes installable; a second run finds nothing', async () => {
    // The signing store refuses this package's signature: the handler fails, is retried with
    // backoff and is dead-lettered. Nobody replays the dead letter.
    await db.query(`CREATE FUNCTION palisade_signing.e2e_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'e2e: signing store refuses writes'; END $$`);
    await db.query(`CREATE TRIGGER e2e_refuse BEFORE INSERT ON palisade_signing.signatures FOR EACH ROW WHEN (NEW.name = '${NAME}') EXECUTE FUNCTION palisade_signing.e2e_refuse()`);
    await publishPackage(alice, { name: NAME, version: '1.0.0', main: 'index.js' });
    await waitFor(async () => stack.processes().some((p) => p.stdout.some((line) => line.includes(DEAD_LETTER))), { timeoutMs: 120_000, message: 'signing dead-letters the ingested event' });
    await db.query('DROP TRIGGER e2e_refuse ON palisade_signing.signatures');
    await db.query('DROP FUNCTION palisade_signing.e2e_refuse()');

    // Stranded: every service is healthy again, yet the version is neither signed nor in dev.
    expect(await devVersions()).not.toHaveProperty('1.0.0');
    expect(await count('SELECT count(*)::int AS n FROM palisade_signing.signatures WHERE name = $1')).toBe(0);

    // Only administrators may run it.
    const anonymous = await fetch(`${stack.baseUrl}/-/palisade/v1/reconcile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);

    // A dry run names the missing step and changes nothing.
    const dry = reportOf(await palisade(['reconcile', '--older-than', '1s', '--dry-run', '--json']));
    expect(ours(dry)).toEqual([{ step: 'signed', consumer: 'signing.version-ingested', outcome: 'missing' }]);
    expect(await count('SELECT count(*)::int AS n FROM palisade_signing.signatures WHERE name = $1')).toBe(0);

    // The run re-issues it and says so per step. What follows from the new signature (the
    // admission, its attestation, the read model) is handed on in the same run or arrives by the
    // bus first, whichever is quicker: only the step that was missing is certain to be listed.
    const run = await palisade(['reconcile', '--older-than', '1s']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^ {2}signed +\d+ missing, \d+ re-issued$/m);
    expect(run.stdout).not.toContain('failed');
    expect(run.stdout).toContain(`${NAME}@1.0.0  signing.version-ingested: reissued`);

    // Installable from dev, with the integrity ingest accepted, and registry-signed.
    await waitFor(async () => '1.0.0' in (await devVersions()), { timeoutMs: 20_000, message: `${NAME}@1.0.0 in dev` });
    const [{ integrity }] = (await db.query<{ integrity: string }>('SELECT integrity FROM palisade_ingest.versions WHERE name = $1', [NAME])).rows;
    const dist = ((await devVersions())['1.0.0'] as { dist: { integrity: string; signatures?: unknown[] } }).dist;
    expect(dist.integrity).toBe(integrity);
    expect(dist.signatures).toHaveLength(1);
    const project = await alice.project({ name: 'reconcile-consumer', version: '1.0.0', private: true });
    const installed = await alice.npm(['install', `${NAME}@1.0.0`, '--registry', stack.registry('dev')], project);
    expect({ code: installed.code, stderr: installed.code === 0 ? '' : installed.stderr }).toEqual({ code: 0, stderr: '' });
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { integrity?: string }> };
    expect(lock.packages[`node_modules/${NAME}`].integrity).toBe(integrity);

    // A second run finds nothing missing for it, and nothing was applied twice.
    const again = reportOf(await palisade(['reconcile', '--older-than', '1s', '--json']));
    expect(again.versionsChecked).toBeGreaterThanOrEqual(1);
    expect(ours(again)).toEqual([]);
    expect(await count('SELECT count(*)::int AS n FROM palisade_signing.signatures WHERE name = $1')).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM palisade_signing.log_leaves WHERE kind = 'registry-signature' AND position($1 in convert_from(entry, 'UTF8')) > 0`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM palisade_promotion.admission WHERE view = 'dev' AND name = $1`)).toBe(1);
  }, 300_000);
});

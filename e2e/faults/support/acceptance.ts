import { DEAD_LETTER_ALERT_SUBJECT } from '@palisade/messaging';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readAlerts } from '../../support/alerts';
import { NpmUser } from '../../support/npm-cli';
import type { Stack } from '../../support/stack';
import { readDeadLetters } from './bus-records';
import { duplicatedEffects, effectTotals } from './effects';
import { settle, type FaultWindow } from './fault-run';
import { faultRows, formatTable, type NotApplicable } from './fault-table';
import type { PublishAttempt, PublishLoad } from './publish-load';

/** The policy of the fault stacks: publishes flow to dev and staging by themselves; prod admits on request only. */
export const FAULT_POLICY = `
teams:
  release: []
views:
  dev:
    admit: automatic
    verdicts: [clean, warn]
  staging:
    admit: automatic
    verdicts: [clean, warn]
  prod:
    admit: on-request
    verdicts: [clean]
`;
const ADMITTING = ['dev', 'staging'];
const REFUSING = ['prod'];

export interface RunRecord {
  mode: string;
  stack: Stack;
  load: PublishLoad;
  windows: readonly FaultWindow[];
  notApplicable: readonly NotApplicable[];
  /** PostgreSQL database the services keep their schemas in. */
  databaseUrl: string;
  /** Message ids of the deliberately undecodable messages. */
  poisonIds: readonly string[];
  /** Every log line of every process the stack ran (restarted ones included), to show why a check failed. */
  logLines(): string[];
}

/**
 * Issue 14's acceptance, after the faults: prints the table, then asserts that every acknowledged
 * publish is installable with its integrity from every view its policy admits (and from no other),
 * no refused publish appeared, no effect was applied twice, and the dead-letter queue holds only the
 * poisoned messages, each with its alert.
 */
export async function assertAcceptance(run: RunRecord): Promise<void> {
  const { stack, load } = run;
  const settled = await settle(stack, load.attempts, ADMITTING, REFUSING);
  const isOurs = (name: string) => name.startsWith('faults-');
  const duplicates = await duplicatedEffects(stack, run.databaseUrl, isOurs);
  const totals = await effectTotals(stack, run.databaseUrl, isOurs);
  const deadLetters = await readDeadLetters(stack);
  const alerts = (await readAlerts(stack)).filter((a) => a.subject === DEAD_LETTER_ALERT_SUBJECT);
  const sample = installSample(load.acknowledged());
  const installed = await npmInstall(stack.registry('dev'), sample);
  const rows = faultRows(run.windows, load.attempts, load.reads, settled, duplicates);
  process.stdout.write(formatTable(`Fault injection (${run.mode} mode)`, rows, run.notApplicable));
  process.stdout.write(
    `effects of acknowledged publishes: ${totals.signatures} signatures, ${totals.logLeaves} transparency-log leaves, ${totals.admissions} admissions; ` +
      `${deadLetters.length} dead letters, ${alerts.length} dead-letter alerts; unanswered publishes that happened anyway: ${settled.unansweredAppeared.length}; ` +
      `npm install of ${sample.length} (one per window): exit ${installed.code}\n`,
  );

  const suspects = [...settled.lost, ...settled.leaked, ...settled.refusedAppeared].map((a) => a.name);
  if (suspects.length > 0) {
    // Warnings, errors and the lines naming a suspect say why; the assertions below say what.
    const why = run.logLines().filter((line) => /"level":"?(warn|error|fatal|40|50|60)\b/.test(line) || suspects.some((name) => line.includes(name)));
    process.stdout.write(`log lines about ${suspects.join(', ')}:\n${why.slice(0, 60).join('\n')}\n`);
  }

  const acknowledged = load.acknowledged();
  // The load ran: something was acknowledged, signed and admitted (the checks below are not vacuous).
  expect(acknowledged.length).toBeGreaterThan(run.windows.length);
  expect(totals.signatures).toBeGreaterThanOrEqual(acknowledged.length);
  expect(totals.admissions).toBeGreaterThanOrEqual(acknowledged.length * ADMITTING.length);
  for (const window of run.windows) expect({ fault: window.fault, recovered: window.recoveryMs !== undefined }).toEqual({ fault: window.fault, recovered: true });
  expect(settled.lost.map((l) => `${l.name} in ${l.view}: ${l.state} (${l.fault})`)).toEqual([]);
  expect(settled.leaked.map((l) => `${l.name} in ${l.view} (${l.fault})`)).toEqual([]);
  expect(settled.refusedAppeared.map((r) => `${r.name}: ${r.status} (${r.fault})`)).toEqual([]);
  expect(duplicates).toEqual([]);
  // The real npm CLI installs a sample (the first acknowledged publish of every window) with the published integrity.
  expect({ code: installed.code, stderr: installed.code === 0 ? '' : installed.stderr }).toEqual({ code: 0, stderr: '' });
  expect(installed.locked).toEqual(Object.fromEntries(sample.map((a) => [a.name, a.integrity])));

  // Dead letters: only the poisoned messages, each one by at least one consumer, each with its alert.
  expect(run.poisonIds.length).toBeGreaterThan(0);
  expect(deadLetters.filter((d) => !run.poisonIds.includes(d.originalId))).toEqual([]);
  expect(run.poisonIds.filter((id) => !deadLetters.some((d) => d.originalId === id))).toEqual([]);
  const alerted = new Set(alerts.map((a) => `${a.event.data.details.consumer}:${a.event.data.details.messageId}`));
  expect(deadLetters.filter((d) => !alerted.has(`${d.consumer}:${d.originalId}`))).toEqual([]);
}

/** The first acknowledged publish of each fault window. */
function installSample(acknowledged: readonly PublishAttempt[]): PublishAttempt[] {
  const byFault = new Map<string, PublishAttempt>();
  for (const a of acknowledged) if (!byFault.has(a.fault)) byFault.set(a.fault, a);
  return [...byFault.values()];
}

/** `npm install` of the sample from `registry` into a fresh project; answers the lockfile's integrity per package. */
async function npmInstall(registry: string, sample: readonly PublishAttempt[]): Promise<{ code: number; stderr: string; locked: Record<string, string> }> {
  const user = await NpmUser.create(registry);
  const project = await user.project({ name: 'fault-consumer', version: '1.0.0', private: true, dependencies: Object.fromEntries(sample.map((a) => [a.name, a.version])) });
  const result = await user.npm(['install'], project);
  const locked: Record<string, string> = {};
  if (result.code === 0) {
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { integrity?: string }> };
    for (const a of sample) locked[a.name] = lock.packages[`node_modules/${a.name}`]?.integrity ?? 'missing';
  }
  return { code: result.code, stderr: result.stderr, locked };
}

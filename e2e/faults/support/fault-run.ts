import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor, type ChildHandle } from '@palisade/testing';
import type { Stack } from '../../support/stack';
import { publishPoison, readDeadLetters } from './bus-records';
import { installState, type PublishAttempt, type PublishLoad } from './publish-load';

export interface FaultWindow {
  fault: string;
  /** How long the fault lasted (injection until its end: restart done, server back, process resumed). */
  faultMs: number;
  /** From the fault's end until a probe publish was installable; undefined when it never was. */
  recoveryMs: number | undefined;
}

const RECOVERY_TIMEOUT_MS = 180_000;

/**
 * Runs one fault under the load: every attempt from its injection until recovery counts in its
 * window. `inject` resolves when the fault has ended; recovery is then measured by probes.
 */
export async function runFault(stack: Stack, load: PublishLoad, fault: string, inject: () => Promise<void>): Promise<FaultWindow> {
  load.fault = fault;
  const started = Date.now();
  await inject();
  const ended = Date.now();
  const recoveryMs = await recoveryTime(stack, load);
  load.fault = 'steady';
  return { fault, faultMs: ended - started, recoveryMs };
}

/**
 * The faults of one stack, one after another: their windows for the table, and the log lines of
 * every process the stack ran meanwhile (restarted ones included) for the failure report.
 */
export class FaultSeries {
  readonly windows: FaultWindow[] = [];
  readonly #processes = new Set<ChildHandle>();

  constructor(
    private readonly stack: Stack,
    private readonly load: PublishLoad,
  ) {}

  logLines(): string[] {
    return [...this.#processes].flatMap((child) => [...child.stdout, ...child.stderr]);
  }

  async run(fault: string, inject: () => Promise<void>): Promise<void> {
    this.#track();
    this.windows.push(await runFault(this.stack, this.load, fault, inject));
    this.#track();
  }

  /** Undecodable messages on the bus, each awaited until dead-lettered; answers their ids. */
  async poison(count: number): Promise<string[]> {
    let ids: string[] = [];
    await this.run(`poison: ${count} undecodable messages`, async () => {
      ids = await publishPoison(this.stack, count);
      await waitFor(async () => new Set((await readDeadLetters(this.stack)).map((d) => d.originalId)).size >= count, { timeoutMs: 30_000, message: 'poison dead-lettered' });
    });
    return ids;
  }

  #track(): void {
    this.stack.processes().forEach((child) => this.#processes.add(child));
  }
}

/** Publishes probes until one is acknowledged, then waits until `dev` serves it with the right bytes. */
async function recoveryTime(stack: Stack, load: PublishLoad): Promise<number | undefined> {
  const start = Date.now();
  const inTime = () => Date.now() - start < RECOVERY_TIMEOUT_MS;
  while (inTime()) {
    const probe = await load.publishOne();
    if (probe.outcome !== 'acknowledged') {
      await sleep(500);
      continue;
    }
    while (inTime()) {
      if ((await installState(stack, 'dev', probe).catch(() => 'unreachable')) === 'installable') return Date.now() - start;
      await sleep(250);
    }
  }
  return undefined;
}

export interface Settled {
  /** Acknowledged, but not installable with the published integrity from a view its policy admits. */
  lost: Array<PublishAttempt & { view: string; state: string }>;
  /** Acknowledged and served by a view its policy does not admit it to. */
  leaked: Array<PublishAttempt & { view: string }>;
  /** Refused, yet served. */
  refusedAppeared: PublishAttempt[];
  /** Unanswered attempts that happened after all (allowed either way; shown for information). */
  unansweredAppeared: PublishAttempt[];
}

/**
 * Waits (up to `timeoutMs`) until every acknowledged publish is installable from each view in
 * `admitting`, then checks what must not be served: nothing in `refusing`, no refused publish.
 */
export async function settle(stack: Stack, attempts: readonly PublishAttempt[], admitting: readonly string[], refusing: readonly string[], timeoutMs = 120_000): Promise<Settled> {
  const deadline = Date.now() + timeoutMs;
  const acknowledged = attempts.filter((a) => a.outcome === 'acknowledged');
  let pending = acknowledged.flatMap((a) => admitting.map((view) => ({ ...a, view, state: 'absent' })));
  while (pending.length > 0) {
    const still: typeof pending = [];
    for (const item of pending) {
      const state = await installState(stack, item.view, item).catch(() => 'unreachable' as const);
      if (state !== 'installable') still.push({ ...item, state });
    }
    pending = still;
    if (pending.length === 0 || Date.now() > deadline) break;
    await sleep(1_000);
  }
  const served = async (a: PublishAttempt, views: readonly string[]) => {
    for (const view of views) if ((await installState(stack, view, a).catch(() => 'unreachable')) !== 'absent') return view;
    return undefined;
  };
  const leaked: Settled['leaked'] = [];
  for (const a of acknowledged) {
    const view = await served(a, refusing);
    if (view) leaked.push({ ...a, view });
  }
  const refusedAppeared: PublishAttempt[] = [];
  for (const a of attempts.filter((x) => x.outcome === 'refused')) if (await served(a, [...admitting, ...refusing])) refusedAppeared.push(a);
  const unansweredAppeared: PublishAttempt[] = [];
  for (const a of attempts.filter((x) => x.outcome === 'unanswered')) if (await served(a, admitting)) unansweredAppeared.push(a);
  return { lost: pending, leaked, refusedAppeared, unansweredAppeared };
}

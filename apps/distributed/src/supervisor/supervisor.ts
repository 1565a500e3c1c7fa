import { spawn, type ChildProcess } from 'node:child_process';
import { SERVICE_STARTED_MESSAGE } from '@palisade/platform';
import { decideAfterExit, defaultRestartPolicy, describeExit, type RestartPolicy, type ServiceExit } from './restart-policy';

export interface SupervisedService {
  /** Short name (`ingest`); lines name the process `palisade-<name>`. */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export interface SupervisorOptions {
  policy?: RestartPolicy;
  /** How long children get to stop after SIGTERM before they are SIGKILLed. */
  stopGraceMs?: number;
  /** Where the supervisor's own lines go (stderr by default; the services log to stdout). */
  report?: (line: string) => void;
}

interface Slot {
  readonly service: SupervisedService;
  child?: ChildProcess;
  startedAt: number;
  /** The restart that started the current process (0: the first start). */
  attempt: number;
  restartTimer?: NodeJS.Timeout;
  exited?: Promise<void>;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * Runs each service as a child process and starts a crashed one again after the restart policy's
 * backoff, reporting every crash, restart and recovery. `stop()` ends all of them (SIGTERM, then
 * SIGKILL after the grace period) and nothing restarts once it was called. A service that cannot
 * be helped by a restart (configuration error) stops the others: `finished` gives the exit code.
 */
export class Supervisor {
  private readonly slots: Slot[];
  private readonly policy: RestartPolicy;
  private readonly stopGraceMs: number;
  private readonly report: (line: string) => void;
  private stopping: Promise<void> | undefined;
  private exitCode = 0;
  private resolveFinished!: (code: number) => void;
  /** Resolves once every child is gone after `stop()` (or a give-up): 0, or the code to exit with. */
  readonly finished = new Promise<number>((resolve) => (this.resolveFinished = resolve));

  constructor(services: readonly SupervisedService[], options: SupervisorOptions = {}) {
    this.slots = services.map((service) => ({ service, startedAt: 0, attempt: 0 }));
    this.policy = options.policy ?? defaultRestartPolicy;
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
    this.report = options.report ?? ((line) => process.stderr.write(`${line}\n`));
  }

  start(): void {
    for (const slot of this.slots) this.launch(slot);
  }

  /** Stops every service; idempotent. */
  stop(reason = 'stop requested'): Promise<void> {
    this.stopping ??= this.stopAll(reason);
    return this.stopping;
  }

  /** SIGKILLs every child still running (a second Ctrl-C). */
  killNow(): void {
    for (const slot of this.slots) if (this.isRunning(slot.child)) slot.child?.kill('SIGKILL');
  }

  /** Process ids of the running children, by service name (for tests and diagnostics). */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.slots.map((slot) => [slot.service.name, this.isRunning(slot.child) ? slot.child?.pid : undefined]));
  }

  private isRunning(child: ChildProcess | undefined): child is ChildProcess {
    return child !== undefined && child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  }

  private label(slot: Slot): string {
    return `palisade-${slot.service.name}`;
  }

  private launch(slot: Slot): void {
    const { service } = slot;
    // The IPC channel carries the child's "started" message, and its closing tells a child
    // whose supervisor was killed to stop instead of running on unsupervised.
    const child = spawn(service.command, [...service.args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: service.env ?? process.env });
    slot.child = child;
    slot.startedAt = Date.now();
    const attempt = slot.attempt;
    if (attempt > 0) this.report(`[supervisor] ${this.label(slot)} restarted (restart ${attempt}, pid ${child.pid ?? 'none'})`);
    child.on('message', (message: unknown) => {
      if (attempt > 0 && isStartedMessage(message) && !this.stopping) this.report(`[supervisor] ${this.label(slot)} is up again after restart ${attempt} (pid ${child.pid})`);
    });
    slot.exited = new Promise<void>((resolve) => {
      let settled = false;
      const settle = (exit: Omit<ServiceExit, 'uptimeMs'>, failure?: Error) => {
        if (settled) return;
        settled = true;
        resolve();
        this.onExit(slot, child, { ...exit, uptimeMs: Date.now() - slot.startedAt }, failure);
      };
      child.once('exit', (code, signal) => settle({ code, signal }));
      // 'error' without 'exit' means the process never started (a missing file, EACCES).
      child.once('error', (error) => {
        if (child.pid === undefined) settle({ code: null, signal: null }, error);
      });
    });
  }

  private onExit(slot: Slot, child: ChildProcess, exit: ServiceExit, failure: Error | undefined): void {
    if (slot.child !== child || this.stopping) return;
    const how = failure ? `failed to start (${failure.message})` : `exited (${describeExit(exit)}) after ${seconds(exit.uptimeMs)}`;
    const decision = decideAfterExit(this.policy, exit, slot.attempt);
    if (decision.kind === 'give-up') {
      this.report(`[supervisor] ${this.label(slot)} ${how}: ${decision.reason}; not restarted, stopping the others`);
      this.exitCode = exit.code ?? 1;
      void this.stop(`${this.label(slot)} cannot be restarted`);
      return;
    }
    this.report(`[supervisor] ${this.label(slot)} ${how}; restart ${decision.attempt} in ${seconds(decision.delayMs)}`);
    slot.attempt = decision.attempt;
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!this.stopping) this.launch(slot);
    }, decision.delayMs);
  }

  private async stopAll(reason: string): Promise<void> {
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
    }
    const running = this.slots.filter((slot) => this.isRunning(slot.child));
    this.report(`[supervisor] ${reason}: stopping ${running.length} service(s) (SIGTERM, SIGKILL after ${seconds(this.stopGraceMs)})`);
    for (const slot of running) slot.child?.kill('SIGTERM');
    const grace = setTimeout(() => {
      for (const slot of running) {
        if (!this.isRunning(slot.child)) continue;
        this.report(`[supervisor] ${this.label(slot)} did not stop within ${seconds(this.stopGraceMs)}; SIGKILL`);
        slot.child.kill('SIGKILL');
      }
    }, this.stopGraceMs);
    await Promise.all(running.map((slot) => slot.exited));
    clearTimeout(grace);
    this.report(`[supervisor] all services stopped`);
    this.resolveFinished(this.exitCode);
  }
}

function isStartedMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === SERVICE_STARTED_MESSAGE;
}

export interface PeriodicJobOptions {
  /** Names the job in the log line of a failed run. */
  name: string;
  intervalMs: number;
  /** One run; `signal` aborts when the job stops, so a long run can end between steps. */
  run: (signal: AbortSignal) => Promise<void>;
  /** A run that threw; the next one comes at the next interval. */
  onError: (error: unknown) => void;
  /** Run once right after `start()` as well (default: first run after one interval). */
  runAtStart?: boolean;
}

/**
 * Runs a job every interval, never two runs at once in this process: a tick that finds the last
 * run still going is skipped. The timer does not keep the process alive; `stop()` aborts the run
 * in progress and waits for it to end.
 */
export class PeriodicJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly abort = new AbortController();

  constructor(private readonly options: PeriodicJobOptions) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) throw new Error(`interval of ${options.name} must be a positive number of ms, got ${options.intervalMs}`);
  }

  start(): void {
    if (this.timer || this.abort.signal.aborted) return;
    this.timer = setInterval(() => void this.runNow(), this.options.intervalMs);
    this.timer.unref();
    if (this.options.runAtStart) void this.runNow();
  }

  /** Starts a run unless one is going or the job stopped; resolves when that run (or the one going) ends. */
  runNow(): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    this.running ??= Promise.resolve()
      .then(() => this.options.run(this.abort.signal))
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.running;
  }
}

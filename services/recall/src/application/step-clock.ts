import { performance } from 'node:perf_hooks';
import type { StepRecord } from '../store/case-store';

/** Times the steps of a playbook run (drills report them; real cases keep them too). */
export class StepClock {
  readonly steps: StepRecord[] = [];

  async run<T>(step: string, work: () => Promise<T>, detail?: (result: T) => string): Promise<T> {
    const started = performance.now();
    const result = await work();
    this.record(step, performance.now() - started, detail ? detail(result) : '');
    return result;
  }

  record(step: string, durationMs: number, detail = ''): void {
    this.steps.push({ step, durationMs: Math.round(durationMs * 1000) / 1000, detail });
  }
}

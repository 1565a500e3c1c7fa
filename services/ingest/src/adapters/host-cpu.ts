import { cpus } from 'node:os';
import { busyShare, type CpuTimes } from '../domain/background-pace';

/** Readings closer together than this are too coarse (the OS counts in 10 ms ticks per core). */
const MIN_WINDOW_MS = 1_000;

function readCpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/**
 * How busy the host's CPU has been lately, as the OS reports it (in a container: its node's).
 * Each call answers for the last window of at least a second.
 */
export class HostCpu {
  #since = readCpuTimes();
  #sinceAt = Date.now();
  #last = 0;

  busyShare(): number {
    const now = Date.now();
    if (now - this.#sinceAt < MIN_WINDOW_MS) return this.#last;
    const reading = readCpuTimes();
    this.#last = busyShare(this.#since, reading);
    this.#since = reading;
    this.#sinceAt = now;
    return this.#last;
  }
}

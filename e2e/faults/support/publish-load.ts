import { setTimeout as sleep } from 'node:timers/promises';
import { integrityOf, makeTarball, publishBody } from '@palisade/testing';
import type { Stack } from '../../support/stack';

/** What the registry answered a publish: 2xx, an error status, or nothing (connection refused, timeout). */
export type PublishOutcome = 'acknowledged' | 'refused' | 'unanswered';

export interface PublishAttempt {
  /** The fault whose window the publish fell in (`steady` between faults). */
  fault: string;
  name: string;
  version: string;
  integrity: string;
  outcome: PublishOutcome;
  status?: number;
}

export interface ReadTally {
  ok: number;
  failed: number;
}

const VERSION = '1.0.0';
/** A publish or read the registry has not answered by then counts as unanswered. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A steady trickle of publishes (the body `npm publish` sends), each of a package of its own, and
 * between them a read of an acknowledged one (packument + tarball, integrity checked), as a
 * registry in use sees them. Every attempt is kept with the fault window it fell in.
 */
export class PublishLoad {
  readonly attempts: PublishAttempt[] = [];
  readonly reads = new Map<string, ReadTally>();
  /** Fault window that new attempts are counted in. */
  fault = 'steady';
  private sequence = 0;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly stack: Stack,
    /** Keeps names of different stacks apart in logs: `faults-<tag>-00042`. */
    private readonly tag: string,
    private readonly intervalMs = 700,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  acknowledged(fault?: string): PublishAttempt[] {
    return this.attempts.filter((a) => a.outcome === 'acknowledged' && (fault === undefined || a.fault === fault));
  }

  /** One publish of a new package, answered or not. */
  async publishOne(): Promise<PublishAttempt> {
    this.sequence += 1;
    const name = `faults-${this.tag}-${String(this.sequence).padStart(5, '0')}`;
    const manifest = { name, version: VERSION, main: 'index.js' };
    const tarball = makeTarball([
      { path: 'package/package.json', content: JSON.stringify(manifest) },
      { path: 'package/index.js', content: `module.exports = ${JSON.stringify(name)};\n` },
    ]);
    const attempt: PublishAttempt = { fault: this.fault, name, version: VERSION, integrity: integrityOf(tarball), outcome: 'unanswered' };
    this.attempts.push(attempt);
    try {
      const response = await fetch(`${this.stack.registry('dev')}${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.stack.adminToken}` },
        body: JSON.stringify(publishBody(manifest, tarball)),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      attempt.status = response.status;
      attempt.outcome = response.status >= 200 && response.status < 300 ? 'acknowledged' : 'refused';
    } catch {
      // No answer: the publish may or may not have happened; nothing is asserted about it.
    }
    return attempt;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.publishOne();
      await this.readOne();
      await sleep(this.intervalMs);
    }
  }

  private async readOne(): Promise<void> {
    const acknowledged = this.acknowledged();
    if (acknowledged.length === 0) return;
    const target = acknowledged[Math.floor(Math.random() * acknowledged.length)];
    const tally = this.reads.get(this.fault) ?? { ok: 0, failed: 0 };
    this.reads.set(this.fault, tally);
    // A fresh publish may not be admitted yet: only what a view serves counts, and it must be right.
    const found = await installState(this.stack, 'dev', target).catch(() => 'unreachable' as const);
    if (found === 'installable') tally.ok += 1;
    else if (found !== 'absent') tally.failed += 1;
  }
}

export type InstallState = 'installable' | 'absent' | 'wrong-integrity' | 'unreachable';

/**
 * Whether `view` serves the attempt's version as `npm install` would fetch it: the packument lists
 * it with the published integrity and the tarball's bytes hash to it.
 */
export async function installState(stack: Stack, view: string, attempt: Pick<PublishAttempt, 'name' | 'version' | 'integrity'>): Promise<InstallState> {
  const response = await fetch(`${stack.registry(view)}${attempt.name}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (response.status === 404) return (await response.arrayBuffer(), 'absent');
  if (response.status !== 200) return (await response.arrayBuffer(), 'unreachable');
  const doc = (await response.json()) as { versions?: Record<string, { dist: { integrity: string; tarball: string } }> };
  const dist = doc.versions?.[attempt.version]?.dist;
  if (!dist) return 'absent';
  if (dist.integrity !== attempt.integrity) return 'wrong-integrity';
  const tarball = await fetch(dist.tarball, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (tarball.status !== 200) return (await tarball.arrayBuffer(), 'unreachable');
  return integrityOf(Buffer.from(await tarball.arrayBuffer())) === attempt.integrity ? 'installable' : 'wrong-integrity';
}

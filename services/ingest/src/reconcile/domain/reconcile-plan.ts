import { EventSubjects } from '@palisade/contracts';

/** The services that answer `registry.cmd.<service>.reconcile`. */
export type ReconciledService = 'scanning' | 'signing' | 'promotion' | 'gateway';

/** What an accepted version must reach; each consumer serves one step. */
export type ReconcileStep = 'judged' | 'signed' | 'admitted' | 'read-model';

export const STEPS: readonly ReconcileStep[] = ['judged', 'signed', 'admitted', 'read-model'];

const STEP_OF_SERVICE: Record<ReconciledService, ReconcileStep> = {
  scanning: 'judged',
  signing: 'signed',
  promotion: 'admitted',
  gateway: 'read-model',
};

export function stepOf(service: ReconciledService): ReconcileStep {
  return STEP_OF_SERVICE[service];
}

export interface ReconcileRound {
  service: ReconciledService;
  /** Subjects of the messages (accepted or collected in earlier rounds) this service is handed. */
  subjects: readonly string[];
  /** Whether to ask for the events it published about the versions (later rounds need them). */
  collect: boolean;
}

/**
 * The rounds of one batch, in order. A service is handed a message only after its producer was
 * asked: scanning and signing publish the verdicts and signatures promotion decides on; promotion
 * publishes the admissions the read model and the admission attestations follow. Services in the
 * same round do not depend on each other.
 */
export const ROUNDS: ReadonlyArray<readonly ReconcileRound[]> = [
  [
    { service: 'scanning', subjects: [EventSubjects.versionIngested], collect: true },
    { service: 'signing', subjects: [EventSubjects.versionIngested], collect: true },
  ],
  [{ service: 'promotion', subjects: [EventSubjects.versionIngested, EventSubjects.versionScanned, EventSubjects.versionSigned], collect: true }],
  [
    {
      service: 'gateway',
      subjects: [EventSubjects.versionIngested, EventSubjects.versionScanned, EventSubjects.versionSigned, EventSubjects.versionPromoted, EventSubjects.versionDismissed],
      collect: false,
    },
    { service: 'signing', subjects: [EventSubjects.versionPromoted], collect: false },
  ],
];

/** The versions a run looks at: accepted in [from, to). */
export function reconcileWindow(now: Date, olderThanMs: number, lookbackMs: number): { from: Date; to: Date } {
  const to = new Date(now.getTime() - olderThanMs);
  const from = new Date(Math.min(now.getTime() - lookbackMs, to.getTime()));
  return { from, to };
}

/**
 * Splits messages into requests of at most `maxBytes` of payload and `maxCount` messages (a
 * larger single message goes alone), keeping their order: commands ride NATS, whose messages are
 * limited in size, and a request must finish within its timeout.
 */
export function chunkMessages<T extends { data: Uint8Array }>(messages: readonly T[], maxBytes: number, maxCount: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.data.byteLength;
    if (current.length > 0 && (bytes + size > maxBytes || current.length >= maxCount)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export type FindingOutcome = 'missing' | 'reissued' | 'failed';

export interface Finding {
  name: string;
  version: string;
  step: ReconcileStep;
  service: ReconciledService;
  consumer: string;
  subject: string;
  outcome: FindingOutcome;
  error?: string;
}

export interface StepCount {
  step: ReconcileStep;
  missing: number;
  reissued: number;
  failed: number;
}

/**
 * Per step: how many consumers lacked a message (`missing` counts every finding, whatever came of
 * it), how many were re-issued, and how many failed again.
 */
export function countByStep(findings: readonly Finding[]): StepCount[] {
  return STEPS.map((step) => {
    const of = findings.filter((f) => f.step === step);
    return {
      step,
      missing: of.length,
      reissued: of.filter((f) => f.outcome === 'reissued').length,
      failed: of.filter((f) => f.outcome === 'failed').length,
    };
  });
}

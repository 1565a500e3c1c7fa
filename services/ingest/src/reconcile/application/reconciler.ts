import { Inject, Injectable } from '@nestjs/common';
import { fromBinary } from '@bufbuild/protobuf';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { Commands, ReplayOutcome, contractRegistry, decodeMessage, encodeMessage, type ReplayResult } from '@palisade/contracts';
import type { MessageBus, StoredMessage } from '@palisade/messaging';
import { DATA_SOURCE, LOGGER, MESSAGE_BUS, METRICS } from '@palisade/platform';
import { createCounter, type Counter, type Registry } from '@palisade/telemetry';
import {
  ROUNDS,
  chunkMessages,
  countByStep,
  reconcileWindow,
  stepOf,
  type Finding,
  type FindingOutcome,
  type ReconcileRound,
  type ReconciledService,
  type StepCount,
} from '../domain/reconcile-plan';
import { acceptedBetween, ingestedEventId, ingestedEvents, type AcceptedVersion } from '../store/accepted-versions';
import { RECONCILE_SETTINGS, type ReconcileSettings } from '../reconcile.config';

const BATCH = 50;
const MAX_REQUEST_BYTES = 512 * 1024;
const MAX_REQUEST_MESSAGES = 25;
const REQUEST_TIMEOUT_MS = 60_000;
// One run at a time across replicas: pg_try_advisory_lock(key) with a fixed key.
const RECONCILE_LOCK_KEY = 0x7ec0c11e;

const COMMANDS = {
  scanning: Commands.scanningReconcile,
  signing: Commands.signingReconcile,
  promotion: Commands.promotionReconcile,
  gateway: Commands.gatewayReconcile,
} as const;

const FINDING_OUTCOMES: Partial<Record<ReplayOutcome, FindingOutcome>> = {
  [ReplayOutcome.MISSING]: 'missing',
  [ReplayOutcome.REISSUED]: 'reissued',
  [ReplayOutcome.FAILED]: 'failed',
};

export interface ReconcileOptions {
  olderThanMs?: number;
  lookbackMs?: number;
  dryRun?: boolean;
}

export interface ReconcileRunReport {
  dryRun: boolean;
  olderThanMs: number;
  lookbackMs: number;
  startedAt: Date;
  finishedAt: Date;
  versionsChecked: number;
  /** Versions whose `version.ingested` event is no longer in the outbox: nothing to replay. */
  versionsWithoutEvent: number;
  findings: Finding[];
  steps: StepCount[];
  unreachable: ReconciledService[];
}

interface Batch {
  versions: AcceptedVersion[];
  /** Every message known so far about the batch's versions, by id. */
  messages: Map<string, StoredMessage>;
  findings: Finding[];
  unreachable: Set<ReconciledService>;
}

/**
 * Finds accepted versions that have not reached their expected state and re-issues the missing
 * steps. A version's messages (its `version.ingested`, and the verdicts, signatures and
 * admissions the services published about it) are handed to every service that consumes them;
 * each consumer applies a message whose id its inbox lacks, which is exactly the step it missed,
 * and ignores one it already applied. Nothing is applied twice, whether the message also comes
 * through the bus meanwhile or the run is repeated.
 */
@Injectable()
export class Reconciler {
  readonly #reissued: Counter<'step'>;
  readonly #failed: Counter<'step'>;
  readonly #runs: Counter<'outcome'>;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RECONCILE_SETTINGS) private readonly settings: ReconcileSettings,
    @Inject(METRICS) metrics: Registry,
  ) {
    this.#reissued = createCounter(metrics, { name: 'palisade_reconcile_reissued_total', help: 'Steps reconciliation re-issued to a service that had missed them, by step', labelNames: ['step'] });
    this.#failed = createCounter(metrics, { name: 'palisade_reconcile_failed_total', help: 'Steps reconciliation re-issued that failed again, by step', labelNames: ['step'] });
    this.#runs = createCounter(metrics, { name: 'palisade_reconcile_runs_total', help: 'Reconciliation runs, by outcome: clean, reissued, failed, dry-run, busy', labelNames: ['outcome'] });
  }

  /** One run, unless another replica's run holds the lock (then `undefined`). */
  async run(options: ReconcileOptions = {}): Promise<ReconcileRunReport | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RECONCILE_LOCK_KEY])) as Array<{ locked: boolean }>;
      if (!locked) {
        this.#runs.inc({ outcome: 'busy' });
        return undefined;
      }
      try {
        return await this.#runLocked(options);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RECONCILE_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  async #runLocked(options: ReconcileOptions): Promise<ReconcileRunReport> {
    const startedAt = new Date();
    const olderThanMs = options.olderThanMs || this.settings.olderThanMs;
    const lookbackMs = Math.max(options.lookbackMs || this.settings.lookbackMs, olderThanMs);
    const dryRun = options.dryRun ?? false;
    const { from, to } = reconcileWindow(startedAt, olderThanMs, lookbackMs);
    const findings: Finding[] = [];
    const unreachable = new Set<ReconciledService>();
    let versionsChecked = 0;
    let versionsWithoutEvent = 0;
    let after: AcceptedVersion | undefined;
    for (;;) {
      const versions = await acceptedBetween(this.dataSource, from, to, after, BATCH);
      if (versions.length === 0) break;
      after = versions[versions.length - 1];
      versionsChecked += versions.length;
      const events = await ingestedEvents(this.dataSource, versions);
      versionsWithoutEvent += versions.filter((v) => !events.has(ingestedEventId(v.name, v.version))).length;
      const batch: Batch = { versions, messages: new Map(events), findings, unreachable };
      for (const round of ROUNDS) await Promise.all(round.map((step) => this.#ask(batch, step, dryRun)));
      if (versions.length < BATCH) break;
    }
    const steps = countByStep(findings);
    for (const s of steps) {
      if (s.reissued > 0) this.#reissued.inc({ step: s.step }, s.reissued);
      if (s.failed > 0) this.#failed.inc({ step: s.step }, s.failed);
    }
    const report: ReconcileRunReport = {
      dryRun,
      olderThanMs,
      lookbackMs,
      startedAt,
      finishedAt: new Date(),
      versionsChecked,
      versionsWithoutEvent,
      findings,
      steps,
      unreachable: [...unreachable],
    };
    this.#log(report);
    return report;
  }

  /** Hands one service the messages of its round, chunk by chunk, and keeps what it publishes. */
  async #ask(batch: Batch, round: ReconcileRound, dryRun: boolean): Promise<void> {
    const command = COMMANDS[round.service];
    const messages = [...batch.messages.values()].filter((m) => round.subjects.includes(m.subject));
    const chunks = chunkMessages(messages, MAX_REQUEST_BYTES, MAX_REQUEST_MESSAGES);
    if (round.collect && chunks.length === 0) chunks.push([]);
    for (const [index, chunk] of chunks.entries()) {
      // The published events are asked for once, with the first chunk.
      const versions = round.collect && index === 0 ? batch.versions.map((v) => ({ name: v.name, version: v.version })) : [];
      let reply;
      try {
        const answer = await this.bus.request(command.subject, encodeMessage(command.request, { messages: chunk, versions, dryRun }), { timeoutMs: REQUEST_TIMEOUT_MS });
        reply = decodeMessage(command.reply, answer.data).outcome;
      } catch (error: unknown) {
        this.logger.warn({ err: error, service: round.service }, 'reconciliation could not reach a service; its steps are checked again next run');
        batch.unreachable.add(round.service);
        return;
      }
      if (reply.case !== 'result') {
        this.logger.warn({ service: round.service, rejection: reply.value }, 'a service refused reconciliation');
        batch.unreachable.add(round.service);
        return;
      }
      for (const replay of reply.value.replays) this.#record(batch, round.service, replay);
      for (const m of reply.value.published) batch.messages.set(m.id, { id: m.id, subject: m.subject, schema: m.schema, data: m.data });
    }
  }

  #record(batch: Batch, service: ReconciledService, replay: ReplayResult): void {
    const outcome = FINDING_OUTCOMES[replay.outcome];
    if (!outcome) return;
    const message = batch.messages.get(replay.messageId);
    const { name, version } = message ? versionOf(message) : { name: '', version: '' };
    batch.findings.push({
      name,
      version,
      step: stepOf(service),
      service,
      consumer: replay.consumer,
      subject: replay.subject,
      outcome,
      ...(replay.error ? { error: replay.error } : {}),
    });
  }

  #log(report: ReconcileRunReport): void {
    const reissued = report.steps.reduce((n, s) => n + s.reissued, 0);
    const failed = report.steps.reduce((n, s) => n + s.failed, 0);
    const outcome = report.dryRun ? 'dry-run' : failed > 0 ? 'failed' : reissued > 0 ? 'reissued' : 'clean';
    this.#runs.inc({ outcome });
    const line = {
      dryRun: report.dryRun,
      versionsChecked: report.versionsChecked,
      versionsWithoutEvent: report.versionsWithoutEvent,
      missing: report.findings.length,
      reissued,
      failed,
      steps: Object.fromEntries(report.steps.map((s) => [s.step, { missing: s.missing, reissued: s.reissued, failed: s.failed }])),
      unreachable: report.unreachable,
      durationMs: report.finishedAt.getTime() - report.startedAt.getTime(),
    };
    if (failed > 0 || report.unreachable.length > 0) this.logger.warn(line, 'reconciliation run: some steps could not be re-issued');
    else this.logger.info(line, 'reconciliation run');
    for (const f of report.findings) {
      if (f.outcome !== 'missing') this.logger.info({ name: f.name, version: f.version, step: f.step, consumer: f.consumer, outcome: f.outcome, error: f.error }, 'reconciliation re-issued a step');
    }
  }
}

/** Every version event names its version in `name` and `version`. */
function versionOf(message: StoredMessage): { name: string; version: string } {
  const schema = contractRegistry.getMessage(message.schema);
  if (!schema) return { name: '', version: '' };
  const decoded = fromBinary(schema, message.data) as unknown as { name?: string; version?: string };
  return { name: decoded.name ?? '', version: decoded.version ?? '' };
}

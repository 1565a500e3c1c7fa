import { Inject, Injectable } from '@nestjs/common';
import { Commands, ReplayOutcome, decodeMessage, encodeMessage, timestampDate, type ReconcileReport } from '@palisade/contracts';
import { CommandError, CommandErrorCodes, type MessageBus } from '@palisade/messaging';
import { MESSAGE_BUS } from '@palisade/platform';
import { assertAdmin } from '../accounts/permissions';
import { RegistryHttpError } from '../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../http/registry-request';

/** A run replays to four services in batches; a large backlog takes a while. */
export const RECONCILE_TIMEOUT_MS = 300_000;
const MAX_DURATION_MS = 3650 * 86_400_000;

const OUTCOME_NAMES: Record<number, string> = {
  [ReplayOutcome.MISSING]: 'missing',
  [ReplayOutcome.REISSUED]: 'reissued',
  [ReplayOutcome.FAILED]: 'failed',
};

function durationField(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DURATION_MS) {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `${field} must be a whole number of milliseconds`);
  }
  return value;
}

/** The report as JSON: durations in ms, times as ISO strings, outcomes as words. */
export function reportJson(report: ReconcileReport) {
  return {
    dryRun: report.dryRun,
    olderThanMs: Number(report.olderThanMs),
    lookbackMs: Number(report.lookbackMs),
    startedAt: report.startedAt ? timestampDate(report.startedAt).toISOString() : null,
    finishedAt: report.finishedAt ? timestampDate(report.finishedAt).toISOString() : null,
    versionsChecked: report.versionsChecked,
    versionsWithoutEvent: report.versionsWithoutEvent,
    steps: report.steps.map((s) => ({ step: s.step, missing: s.missing, reissued: s.reissued, failed: s.failed })),
    findings: report.findings.map((f) => ({
      name: f.name,
      version: f.version,
      step: f.step,
      service: f.service,
      consumer: f.consumer,
      subject: f.subject,
      outcome: OUTCOME_NAMES[f.outcome] ?? 'unknown',
      ...(f.error ? { error: f.error } : {}),
    })),
    unreachable: report.unreachable,
  };
}

/**
 * `POST /-/palisade/v1/reconcile` (administrators, writable token), body
 * `{ "olderThanMs"?, "lookbackMs"?, "dryRun"? }`: runs a reconciliation now and answers its
 * report. 409 while another run is in progress.
 */
@Injectable()
export class ReconcileRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/reconcile$/;

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await request.principal();
    assertAdmin(principal, 'run a reconciliation');
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'the body must be a JSON object');
    const fields = body as Record<string, unknown>;
    if (fields.dryRun !== undefined && typeof fields.dryRun !== 'boolean') throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'dryRun must be true or false');
    const command = Commands.ingestReconcile;
    const data = encodeMessage(command.request, {
      olderThanMs: BigInt(durationField(fields, 'olderThanMs')),
      lookbackMs: BigInt(durationField(fields, 'lookbackMs')),
      dryRun: fields.dryRun === true,
    });
    let outcome;
    try {
      outcome = decodeMessage(command.reply, (await this.bus.request(command.subject, data, { timeoutMs: RECONCILE_TIMEOUT_MS })).data).outcome;
    } catch (e: unknown) {
      if (e instanceof CommandError && (e.code === CommandErrorCodes.timeout || e.code === CommandErrorCodes.noResponders)) {
        throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the ingest service did not answer; try again shortly', { cause: e });
      }
      throw e;
    }
    if (outcome.case === 'report') return { status: 200, headers: { 'cache-control': 'no-store' }, body: reportJson(outcome.value) };
    if (outcome.case === 'rejected' && outcome.value.code === 'INGEST_RECONCILE_BUSY') throw new RegistryHttpError('PAL_ERR_CONFLICT', outcome.value.message);
    throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', outcome.value?.message ?? 'the ingest service answered without an outcome');
  }
}

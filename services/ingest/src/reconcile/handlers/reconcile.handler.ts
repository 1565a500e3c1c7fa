import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Commands, ReplayOutcome, decodeMessage, encodeMessage, timestampFromDate } from '@palisade/contracts';
import type { Reply } from '@palisade/messaging';
import { Reconciler, type ReconcileRunReport } from '../application/reconciler';
import type { FindingOutcome } from '../domain/reconcile-plan';

const OUTCOMES: Record<FindingOutcome, ReplayOutcome> = {
  missing: ReplayOutcome.MISSING,
  reissued: ReplayOutcome.REISSUED,
  failed: ReplayOutcome.FAILED,
};

/** registry.cmd.ingest.reconcile — a run now, for the gateway's admin route and the CLI. */
@Controller()
export class ReconcileHandler {
  constructor(private readonly reconciler: Reconciler) {}

  @MessagePattern(Commands.ingestReconcile.subject)
  async reconcile(@Payload() request: Reply): Promise<Uint8Array> {
    const { olderThanMs, lookbackMs, dryRun } = decodeMessage(Commands.ingestReconcile.request, request.data);
    const report = await this.reconciler.run({ olderThanMs: Number(olderThanMs), lookbackMs: Number(lookbackMs), dryRun });
    if (!report) {
      return encodeMessage(Commands.ingestReconcile.reply, {
        outcome: { case: 'rejected', value: { code: 'INGEST_RECONCILE_BUSY', message: 'a reconciliation is already running; try again when it ends', problems: [], retryable: true } },
      });
    }
    return encodeMessage(Commands.ingestReconcile.reply, { outcome: { case: 'report', value: toProto(report) } });
  }
}

function toProto(report: ReconcileRunReport) {
  return {
    dryRun: report.dryRun,
    olderThanMs: BigInt(report.olderThanMs),
    lookbackMs: BigInt(report.lookbackMs),
    startedAt: timestampFromDate(report.startedAt),
    finishedAt: timestampFromDate(report.finishedAt),
    versionsChecked: report.versionsChecked,
    versionsWithoutEvent: report.versionsWithoutEvent,
    findings: report.findings.map((f) => ({ ...f, outcome: OUTCOMES[f.outcome], error: f.error ?? '' })),
    steps: report.steps,
    unreachable: report.unreachable,
  };
}

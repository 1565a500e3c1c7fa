import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { QuarantineMode, timestampFromDate, type PolicyAppliedSchema, type PolicyApplyRequest, type PolicyDecisionSchema, type PolicyDocumentSchema } from '@palisade/contracts';
import { DATA_SOURCE } from '@palisade/platform';
import { onDemandViews } from '../domain/on-demand-views';
import type { LoadedPolicy, ViewStep } from '../domain/plan-version';
import { changedViews } from '../domain/render-policy';
import { DecisionStore } from '../store/decision-store';
import { FactsStore } from '../store/facts-store';
import type { PolicyRevisionRow } from '../store/policy-store';
import { AdmissionEngine } from './admission-engine';
import { PolicyService } from './policy-service';
import { ReevaluationClock } from './reevaluation-clock';

type DecisionInit = MessageInitShape<typeof PolicyDecisionSchema>;

const DRY_RUN_PAGE = 500;

const revisionOf = (r: PolicyRevisionRow) => ({ version: r.version, digest: r.digest, origin: r.origin, appliedBy: r.appliedBy, comment: r.comment, appliedAt: timestampFromDate(r.appliedAt) });

/**
 * `palisade policy show` and `palisade policy apply [--dry-run]`. A real apply stores the next
 * policy version and has every version re-decided under it (by the clock, batch by batch); a dry
 * run decides every known version under the candidate, records those decisions under a dry-run
 * id, and changes nothing else.
 */
@Injectable()
export class PolicyCommands {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly policies: PolicyService,
    private readonly engine: AdmissionEngine,
    private readonly clock: ReevaluationClock,
  ) {}

  async show(view: string): Promise<MessageInitShape<typeof PolicyDocumentSchema>> {
    const current = await this.policies.current();
    const yaml = this.policies.render(current.document, view || undefined);
    const history = await this.policies.history();
    const views = this.policies.views;
    const quarantine = views.map((v) => ({ view: v, mode: current.document.views[v]?.quarantine === 'warn' ? QuarantineMode.WARN : QuarantineMode.BLOCK }));
    return { revision: revisionOf(history[0]), yaml, history: history.map(revisionOf), views: [...views], quarantine, onDemandViews: onDemandViews(current.document, views) };
  }

  async apply(request: PolicyApplyRequest): Promise<MessageInitShape<typeof PolicyAppliedSchema>> {
    const document = this.policies.parse(request.yaml);
    const by = request.requestedBy?.principal || 'unknown';
    if (request.dryRun) return this.dryRun(request.yaml, document, by, request.comment);
    const applied = await this.policies.apply(document, 'api', by, request.comment);
    if (applied.changed) this.clock.kick();
    return { revision: revisionOf(applied.revision), dryRun: false, dryRunId: 0, changedViews: applied.changedViews, decisions: [], changed: applied.changed };
  }

  private async dryRun(yaml: string, document: LoadedPolicy['document'], by: string, comment: string): Promise<MessageInitShape<typeof PolicyAppliedSchema>> {
    const current = await this.policies.current();
    const candidate: LoadedPolicy = { version: current.version + 1, digest: this.policies.digestOf(document), document };
    const decisions: DecisionInit[] = [];
    const summary: Record<string, number> = {};
    const runId = await this.dataSource.transaction(async (tx) => {
      const runId = await DecisionStore.startDryRun(tx, { digest: candidate.digest, yaml, basedOn: current.version, requestedBy: by, comment });
      const now = new Date();
      let after = { name: '', version: '' };
      for (;;) {
        const page = await FactsStore.allLive(tx, after.name, after.version, DRY_RUN_PAGE);
        for (const { name, version } of page) {
          const state = await this.engine.state(tx, name, version, false);
          if (!state?.facts.ingested) continue;
          for (const step of this.engine.plan(state, candidate, now)) {
            const decision = dryRunDecision(step);
            if (!decision) continue;
            decisions.push({ name, version, view: step.view, ...decision });
            summary[decision.outcome] = (summary[decision.outcome] ?? 0) + 1;
            await DecisionStore.record(tx, { view: step.view, name, version, integrity: state.facts.ingested.integrity, policyVersion: candidate.version, outcome: decision.outcome, reasons: decision.reasons, trigger: 'dry-run', actor: by, dryRunId: runId });
          }
        }
        if (page.length < DRY_RUN_PAGE) break;
        after = page[page.length - 1];
      }
      await DecisionStore.finishDryRun(tx, runId, summary);
      return runId;
    });
    const history = await this.policies.history();
    return {
      revision: revisionOf(history[0]),
      dryRun: true,
      dryRunId: runId,
      changedViews: changedViews(current.document, document, this.policies.views),
      decisions,
      changed: current.digest !== candidate.digest,
    };
  }
}

/** What a dry run reports for one step; undefined when there is nothing to decide. */
function dryRunDecision(step: ViewStep): { outcome: string; reasons: string[] } | undefined {
  switch (step.action) {
    case 'keep':
      return { outcome: 'admitted', reasons: [`admitted under policy version ${step.admission?.policyVersion ?? '?'}; a policy change does not withdraw admissions`] };
    case 'admit':
      return { outcome: 'admit', reasons: step.decision?.reasons ?? [] };
    case 'refuse':
      return { outcome: 'refuse', reasons: step.decision?.reasons ?? [] };
    case 'quarantined':
      return { outcome: 'quarantined', reasons: step.reason ? [step.reason] : [] };
    case 'wait':
      return { outcome: 'pending', reasons: step.decision?.reasons ?? [] };
    case 'dismiss':
      return { outcome: 'dismiss', reasons: step.reason ? [step.reason] : [] };
    case 'remove':
    case 'none':
      return undefined;
  }
}

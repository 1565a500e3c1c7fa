import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { PromotionStatus, type ApproveRequest, type PromoteAccepted, type PromoteRequest } from '@palisade/contracts';
import { DATA_SOURCE } from '@palisade/platform';
import { approvalRefusal } from '../domain/evaluate-admission';
import type { LoadedPolicy, VersionState, ViewStep } from '../domain/plan-version';
import { rulesFor } from '../domain/policy';
import { PromotionError, PromotionErrorCode } from '../domain/promotion-error';
import { RequestStore, type Requester } from '../store/request-store';
import { AdmissionEngine } from './admission-engine';
import { PolicyService } from './policy-service';

type Accepted = Omit<PromoteAccepted, '$typeName'>;

interface Target {
  name: string;
  version: string;
  view: string;
}

/**
 * `palisade promote` and `palisade approve`: record the request (and the approval), then let the
 * engine decide at once. A request by a principal who may approve counts as their approval.
 * Refusals throw `PROMOTION_POLICY_VIOLATION` after the refusal is recorded.
 */
@Injectable()
export class PromotionRequests {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly engine: AdmissionEngine,
    private readonly policies: PolicyService,
  ) {}

  async promote(request: PromoteRequest): Promise<Accepted> {
    const target = this.target(request.name, request.version, request.view);
    const by: Requester = { principal: request.requestedBy?.principal ?? '', tokenId: request.requestedBy?.tokenId ?? '' };
    if (!by.principal) throw new PromotionError(PromotionErrorCode.ApproverNotAllowed, 'a promotion request needs the requesting principal');
    return this.decide(target, request.dryRun, async (tx, state, policy) => {
      const mayApprove = this.approvalCheck(state, policy, target.view, by.principal) === undefined;
      if (request.dryRun) return simulate(state, target.view, by.principal, mayApprove);
      await RequestStore.open(tx, target.view, target.name, target.version, by, request.reason);
      if (mayApprove) await RequestStore.approve(tx, target.view, target.name, target.version, by, request.reason);
      return undefined;
    }, { kind: 'request', actor: by.principal });
  }

  async approve(request: ApproveRequest): Promise<Accepted> {
    const target = this.target(request.name, request.version, request.view);
    const by: Requester = { principal: request.approver?.principal ?? '', tokenId: request.approver?.tokenId ?? '' };
    if (!by.principal) throw new PromotionError(PromotionErrorCode.ApproverNotAllowed, 'an approval needs the approving principal');
    return this.decide(target, false, async (tx, state, policy) => {
      const refusal = this.approvalCheck(state, policy, target.view, by.principal);
      if (refusal) throw new PromotionError(PromotionErrorCode.ApproverNotAllowed, refusal, [refusal]);
      await RequestStore.open(tx, target.view, target.name, target.version, by, request.comment);
      await RequestStore.approve(tx, target.view, target.name, target.version, by, request.comment);
      return undefined;
    }, { kind: 'approval', actor: by.principal });
  }

  private target(name: string, version: string, view: string): Target {
    if (!this.policies.views.includes(view)) {
      throw new PromotionError(PromotionErrorCode.UnknownView, `unknown view ${view} (views: ${this.policies.views.join(', ')})`);
    }
    return { name, version, view };
  }

  /** Undefined when `principal` may approve promotions of this version to `view`, else why not. */
  private approvalCheck(state: VersionState, policy: LoadedPolicy, view: string, principal: string): string | undefined {
    const ingested = state.facts.ingested;
    const viewPolicy = policy.document.views[view];
    if (!ingested || !viewPolicy) return 'the version is not recorded';
    const { approvals } = rulesFor(viewPolicy, ingested.source);
    if (approvals.count === 0) return `${view} needs no approvals for ${ingested.source} versions; request it with palisade promote`;
    return approvalRefusal(principal, approvals.team, policy.document.teams[approvals.team] ?? [], ingested.publisher);
  }

  private async decide(
    target: Target,
    dryRun: boolean,
    record: (tx: EntityManager, state: VersionState, policy: LoadedPolicy) => Promise<VersionState | undefined>,
    trigger: { kind: 'request' | 'approval'; actor: string },
  ): Promise<Accepted> {
    const { name, version, view } = target;
    const outcome = await this.dataSource.transaction(async (tx) => {
      const state = await this.engine.state(tx, name, version, true);
      if (!state?.facts.ingested) throw new PromotionError(PromotionErrorCode.UnknownVersion, `${name}@${version} is not known to the registry`);
      if (state.facts.unpublishedAt) throw new PromotionError(PromotionErrorCode.UnknownVersion, `${name}@${version} was unpublished`);
      const policy = await this.policies.current(tx);
      const admitted = state.admissions.get(view);
      if (admitted) return { policy, step: { view, action: 'keep', active: false, admission: admitted } satisfies ViewStep, already: true };
      const simulated = await record(tx, state, policy);
      const steps = simulated ? this.engine.plan(simulated, policy) : (await this.engine.evaluate(tx, name, version, trigger))?.steps;
      const step = steps?.find((s) => s.view === view);
      if (!step) throw new PromotionError(PromotionErrorCode.UnknownVersion, `${name}@${version} is not known to the registry`);
      return { policy, step, already: false };
    });
    return toAccepted(target, outcome.policy, outcome.step, outcome.already, dryRun);
  }
}

/** The state as if `principal` had requested (and, if allowed, approved) the promotion. */
function simulate(state: VersionState, view: string, principal: string, approves: boolean): VersionState {
  const requests = new Map(state.requests);
  const open = requests.get(view);
  if (open?.state !== 'pending') requests.set(view, { requestedBy: principal, state: 'pending' });
  const approvals = new Map(state.approvals);
  if (approves) approvals.set(view, [...(approvals.get(view) ?? []), principal]);
  return { ...state, requests, approvals };
}

function toAccepted(target: Target, policy: LoadedPolicy, step: ViewStep, already: boolean, dryRun: boolean): Accepted {
  const base = { ...target, policyVersion: policy.version, dryRun, approvalsRequired: 0, approvers: [] as string[], reasons: [] as string[], approvalTeam: '' };
  if (already && step.admission) {
    return { ...base, status: PromotionStatus.ALREADY_ADMITTED, policyVersion: step.admission.policyVersion, approvers: [...step.admission.approvers], reasons: [...step.admission.reasons] };
  }
  const decision = step.decision;
  const rules = step.rules;
  const team = rules && rules.approvals.count > 0 ? rules.approvals.team : '';
  if (!decision) throw new PromotionError(PromotionErrorCode.UnknownVersion, `${target.name}@${target.version}: ${step.reason ?? 'nothing to decide'}`);
  switch (decision.outcome) {
    case 'admit':
      return { ...base, status: PromotionStatus.ADMITTED, approvers: decision.approvers, reasons: decision.reasons, approvalsRequired: rules?.approvals.count ?? 0, approvalTeam: team };
    case 'refuse':
      throw new PromotionError(
        PromotionErrorCode.PolicyViolation,
        step.quarantine
          ? `${target.name}@${target.version} cannot be promoted to ${target.view} while recall ${step.quarantine.recallId || '(unnamed)'} quarantines it there`
          : `${target.name}@${target.version} cannot be promoted to ${target.view} under policy version ${policy.version}`,
        decision.reasons,
      );
    case 'pending': {
      const onlyApprovals = decision.waitsFor.every((w) => w === 'approvals');
      return {
        ...base,
        status: onlyApprovals ? PromotionStatus.PENDING_APPROVAL : PromotionStatus.PENDING,
        approvers: decision.approvers,
        approvalsRequired: decision.approvalsRequired,
        reasons: decision.reasons,
        approvalTeam: team,
      };
    }
  }
}

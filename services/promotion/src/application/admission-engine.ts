import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Events, encodeMessage, timestampFromDate } from '@palisade/contracts';
import { addToOutbox } from '@palisade/messaging';
import { planVersion, type LoadedPolicy, type VersionState, type ViewStep } from '../domain/plan-version';
import type { VersionFacts } from '../domain/version-facts';
import { PROMOTION_SETTINGS, type PromotionSettings } from '../promotion.config';
import { AdmissionStore } from '../store/admission-store';
import { DecisionStore } from '../store/decision-store';
import { DueStore } from '../store/due-store';
import { FactsStore } from '../store/facts-store';
import { QuarantineStore } from '../store/quarantine-store';
import { RequestStore } from '../store/request-store';
import { PolicyService } from './policy-service';

/** What caused an evaluation, for the decision record. */
export interface EvaluationTrigger {
  kind: 'event' | 'request' | 'approval' | 'timer' | 'policy' | 'quarantine' | 'release';
  actor?: string;
}

export interface Evaluation {
  policy: LoadedPolicy;
  state: VersionState;
  steps: ViewStep[];
}

/**
 * Applies the policy to one version in the caller's transaction: locks the version's facts (so
 * its events are decided one at a time), plans every view, and records the outcome: admissions
 * with `version.promoted`, dismissals with `version.dismissed`, refusals with `version.refused`
 * (a request refused because a recall quarantines the version included), decisions, and when to
 * look again for a minimum age. A quarantine never dismisses: the gateway hides the version.
 */
@Injectable()
export class AdmissionEngine {
  constructor(
    private readonly policies: PolicyService,
    @Inject(PROMOTION_SETTINGS) private readonly settings: PromotionSettings,
  ) {}

  /** The version's state; with `lock`, its facts row stays locked until the transaction ends. */
  async state(db: EntityManager, name: string, version: string, lock: boolean): Promise<VersionState | undefined> {
    const facts = lock ? await FactsStore.lock(db, name, version) : (await FactsStore.ofPackage(db, name, version))[0];
    if (!facts) return undefined;
    return this.stateOf(db, facts);
  }

  async stateOf(db: EntityManager, facts: VersionFacts): Promise<VersionState> {
    const admissions = await AdmissionStore.ofVersion(db, facts.name, facts.version);
    const { requests, approvals } = await RequestStore.ofVersion(db, facts.name, facts.version);
    const quarantines = await QuarantineStore.activeOf(db, facts.name, facts.version);
    return { facts, admissions, requests, approvals, quarantines };
  }

  plan(state: VersionState, policy: LoadedPolicy, now = new Date()): ViewStep[] {
    return planVersion(state, policy, this.settings.views, now);
  }

  async evaluate(tx: EntityManager, name: string, version: string, trigger: EvaluationTrigger): Promise<Evaluation | undefined> {
    const state = await this.state(tx, name, version, true);
    if (!state) return undefined;
    const policy = await this.policies.current(tx);
    const steps = this.plan(state, policy);
    const integrity = state.facts.ingested?.integrity ?? '';
    let dueAt: Date | undefined;
    for (const [index, step] of steps.entries()) {
      const record = { view: step.view, name, version, integrity, policyVersion: policy.version, trigger: trigger.kind, ...(trigger.actor ? { actor: trigger.actor } : {}) };
      switch (step.action) {
        case 'admit': {
          if (step.decision?.outcome !== 'admit') break;
          const { reasons, approvers } = step.decision;
          const inserted = await AdmissionStore.insert(tx, { ...record, approvers, reasons, ...(step.requestedBy ? { requestedBy: step.requestedBy } : {}) });
          if (!inserted) break;
          const decisionId = await DecisionStore.record(tx, { ...record, outcome: 'admitted', reasons });
          await RequestStore.close(tx, step.view, name, version, 'admitted');
          await addToOutbox(tx, {
            id: `promoted:${step.view}:${name}@${version}:${decisionId}`,
            subject: Events.versionPromoted.subject,
            schema: Events.versionPromoted.schema.typeName,
            data: encodeMessage(Events.versionPromoted.schema, {
              name,
              version,
              integrity,
              view: step.view,
              fromView: index > 0 ? this.settings.views[index - 1] : '',
              policyVersion: policy.version,
              approvers,
              promotedAt: timestampFromDate(inserted.admittedAt),
              decision: reasons,
              policyDigest: policy.digest,
              ...(step.requestedBy ? { requestedBy: { principal: step.requestedBy } } : {}),
            }),
          });
          break;
        }
        case 'dismiss': {
          const reason = step.reason ?? 'dismissed';
          const dismissedAt = await AdmissionStore.remove(tx, step.view, name, version);
          const decisionId = await DecisionStore.record(tx, { ...record, outcome: 'dismissed', reasons: [reason] });
          await addToOutbox(tx, {
            id: `dismissed:${step.view}:${name}@${version}:${decisionId}`,
            subject: Events.versionDismissed.subject,
            schema: Events.versionDismissed.schema.typeName,
            data: encodeMessage(Events.versionDismissed.schema, { name, version, integrity, view: step.view, reason, policyVersion: policy.version, dismissedAt: timestampFromDate(dismissedAt) }),
          });
          break;
        }
        case 'remove':
          await AdmissionStore.remove(tx, step.view, name, version);
          break;
        case 'quarantined': {
          if (!step.active || step.decision?.outcome !== 'refuse') break;
          const { reasons } = step.decision;
          if (step.requestedBy === undefined) {
            // An automatic view waits for the release: recorded, no event (it is no policy refusal).
            await DecisionStore.recordIfChanged(tx, { ...record, outcome: 'quarantined', reasons });
            break;
          }
          await RequestStore.close(tx, step.view, name, version, 'refused');
          const decisionId = await DecisionStore.record(tx, { ...record, outcome: 'refused', reasons });
          await addToOutbox(tx, {
            id: `refused:${step.view}:${name}@${version}:${decisionId}`,
            subject: Events.versionRefused.subject,
            schema: Events.versionRefused.schema.typeName,
            data: encodeMessage(Events.versionRefused.schema, {
              name,
              version,
              integrity,
              view: step.view,
              policyVersion: policy.version,
              reasons,
              requestedBy: { principal: step.requestedBy },
              refusedAt: timestampFromDate(new Date()),
            }),
          });
          break;
        }
        case 'refuse': {
          if (!step.active || step.decision?.outcome !== 'refuse') break;
          const { reasons } = step.decision;
          await RequestStore.close(tx, step.view, name, version, 'refused');
          const decisionId = await DecisionStore.recordIfChanged(tx, { ...record, outcome: 'refused', reasons });
          if (decisionId === undefined) break;
          await addToOutbox(tx, {
            id: `refused:${step.view}:${name}@${version}:${decisionId}`,
            subject: Events.versionRefused.subject,
            schema: Events.versionRefused.schema.typeName,
            data: encodeMessage(Events.versionRefused.schema, {
              name,
              version,
              integrity,
              view: step.view,
              policyVersion: policy.version,
              reasons,
              ...(step.requestedBy ? { requestedBy: { principal: step.requestedBy } } : {}),
              refusedAt: timestampFromDate(new Date()),
            }),
          });
          break;
        }
        case 'wait': {
          if (step.decision?.outcome !== 'pending') break;
          const eligibleAt = step.decision.eligibleAt;
          if (eligibleAt && (!dueAt || eligibleAt < dueAt)) dueAt = eligibleAt;
          if (step.active) await DecisionStore.recordIfChanged(tx, { ...record, outcome: 'pending', reasons: step.decision.reasons });
          break;
        }
        case 'keep':
        case 'none':
          break;
      }
    }
    await DueStore.set(tx, name, version, dueAt);
    await FactsStore.markEvaluated(tx, name, version, policy.version);
    return { policy, state, steps };
  }
}

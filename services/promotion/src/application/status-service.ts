import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate, type PromotionStatusReportSchema, type VersionStatusSchema, type ViewStatusSchema } from '@palisade/contracts';
import { DATA_SOURCE } from '@palisade/platform';
import type { ViewStep } from '../domain/plan-version';
import { PromotionError, PromotionErrorCode } from '../domain/promotion-error';
import { scanOf, signatureOf } from '../domain/version-facts';
import { FactsStore } from '../store/facts-store';
import { AdmissionEngine } from './admission-engine';
import { PolicyService } from './policy-service';

type StatusReport = MessageInitShape<typeof PromotionStatusReportSchema>;
type VersionInit = MessageInitShape<typeof VersionStatusSchema>;
type ViewInit = MessageInitShape<typeof ViewStatusSchema>;

/**
 * `palisade status`: where each version is and why not further, computed now from the facts,
 * the admissions and the policy in force (the same planning the engine decides with).
 */
@Injectable()
export class StatusService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly engine: AdmissionEngine,
    private readonly policies: PolicyService,
  ) {}

  async status(name: string, version: string): Promise<StatusReport> {
    const db = this.dataSource.manager;
    const all = await FactsStore.ofPackage(db, name, version || undefined);
    const known = all.filter((f) => f.ingested || f.unpublishedAt);
    if (known.length === 0) throw new PromotionError(PromotionErrorCode.UnknownVersion, `${version ? `${name}@${version}` : name} is not known to the registry`);
    const policy = await this.policies.current(db);
    const now = new Date();
    const versions: VersionInit[] = [];
    for (const facts of known) {
      const state = await this.engine.stateOf(db, facts);
      const steps = this.engine.plan(state, policy, now);
      const ingested = facts.ingested;
      versions.push({
        version: facts.version,
        integrity: ingested?.integrity ?? '',
        source: ingested?.source ?? '',
        publisher: ingested?.publisher ?? '',
        ...(ingested ? { publishedAt: timestampFromDate(ingested.publishedAt) } : {}),
        verdict: scanOf(facts)?.verdict ?? '',
        signed: signatureOf(facts) !== undefined,
        views: steps.map(viewStatus),
      });
    }
    return { name, policyVersion: policy.version, versions };
  }
}

function viewStatus(step: ViewStep): ViewInit {
  const base = { view: step.view, reasons: [] as string[], policyVersion: 0, approvers: [] as string[], approvalsRequired: 0 };
  const required = step.rules?.approvals.count ?? 0;
  switch (step.action) {
    case 'keep': {
      const a = step.admission;
      const admitted = a ? { policyVersion: a.policyVersion, approvers: [...a.approvers], admittedAt: timestampFromDate(a.admittedAt) } : {};
      if (step.quarantine) {
        const note = `admitted under policy version ${a?.policyVersion ?? '?'}; it stays admitted, and ${step.view} hides it until the recall releases it`;
        return { ...base, ...admitted, state: 'quarantined', reasons: [step.reason ?? 'quarantined', note] };
      }
      return { ...base, ...admitted, state: 'admitted', reasons: a ? [...a.reasons] : [] };
    }
    case 'dismiss':
      return { ...base, state: 'dismissed', reasons: [step.reason ?? 'dismissed'] };
    case 'remove':
      return { ...base, state: 'unpublished', reasons: ['unpublished'] };
    case 'none':
      return { ...base, state: step.reason === 'unpublished' ? 'unpublished' : 'pending', reasons: step.reason ? [step.reason] : [] };
    case 'admit':
      return { ...base, state: 'pending', reasons: ['every rule passes; the next evaluation admits it', ...(step.decision?.reasons ?? [])], approvalsRequired: required };
    case 'refuse':
      return { ...base, state: 'refused', reasons: [...(step.decision?.reasons ?? [])], approvalsRequired: required };
    case 'quarantined':
      return { ...base, state: 'quarantined', reasons: [step.reason ?? 'quarantined'], approvalsRequired: required };
    case 'wait': {
      const d = step.decision;
      if (d?.outcome !== 'pending') return { ...base, state: 'pending' };
      const notRequested = d.waitsFor.includes('request') && !d.waitsFor.includes('previous-view');
      return {
        ...base,
        state: notRequested ? 'not-requested' : 'pending',
        reasons: [...d.reasons],
        approvers: [...d.approvers],
        approvalsRequired: d.approvalsRequired,
        ...(d.eligibleAt ? { eligibleAt: timestampFromDate(d.eligibleAt) } : {}),
      };
    }
  }
}

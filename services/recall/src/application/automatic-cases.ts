import { Inject, Injectable } from '@nestjs/common';
import { Severity, timestampDate, type VersionScanned, type VersionTampered, type VersionUpstreamRemoved } from '@palisade/contracts';
import { RetryableError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import type { DataSource } from 'typeorm';
import { scanCaseOpening, scanCaseReason } from '../domain/scan-trigger';
import { verdictRaised, type VerdictWord } from '../domain/verdict';
import { CatalogueStore } from '../store/catalogue-store';
import { SERVICE_ACTOR } from './case-messages';
import { CasePlaybook } from './case-playbook';
import { PolicyClient, type ViewPolicy } from './policy-client';
import { StepClock } from './step-clock';

export interface ScannedFacts {
  name: string;
  version: string;
  integrity: string;
  verdict: VerdictWord;
  rescan: boolean;
  scannedAt: Date;
  findings: VersionScanned['findings'];
}

/**
 * Cases the registry opens by itself: a rescan that makes a version's bytes worse, a tampering
 * upstream, an upstream removal. The policy (views and quarantine modes) is read before the
 * transaction; when the promotion service does not answer, the error is retryable and the bus
 * redelivers the event later.
 */
@Injectable()
export class AutomaticCases {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly policies: PolicyClient,
    private readonly playbook: CasePlaybook,
  ) {}

  /** Records the verdict; opens (or grows) a case when a rescan raised it. */
  async scanned(message: Pick<DeliveredMessage, 'id'>, scan: ScannedFacts): Promise<void> {
    const advisoryIds = [...new Set(scan.findings.map((f) => f.advisoryId).filter(Boolean))].sort();
    // Ask the promotion service only when this scan may open a case (checked again under lock).
    const recorded = await CatalogueStore.verdictOf(this.dataSource.manager, scan.name, scan.version, scan.integrity);
    const stale = recorded !== undefined && recorded.scannedAt.getTime() > scan.scannedAt.getTime();
    const clock = new StepClock();
    const policy = !stale && verdictRaised(recorded?.verdict, scan.verdict, scan.rescan) ? await this.readPolicy(clock) : undefined;
    await applyOnce(this.dataSource, 'recall.version-scanned', message, async (tx) => {
      const { applied, previous } = await CatalogueStore.recordVerdict(tx, { ...scan, advisoryIds });
      if (!applied || scan.verdict === 'clean' || !verdictRaised(previous?.verdict, scan.verdict, scan.rescan)) return;
      if (!policy) throw new RetryableError('RECALL_VERDICT_RAISED_CONCURRENTLY', `${scan.name}@${scan.version}: verdict raised meanwhile; retrying with the policy`);
      const facts = {
        name: scan.name,
        version: scan.version,
        integrity: scan.integrity,
        verdict: scan.verdict,
        ...(previous ? { previousVerdict: previous.verdict } : {}),
        findings: scan.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, advisoryId: f.advisoryId })),
        previousAdvisoryIds: previous?.advisoryIds ?? [],
      };
      const opening = scanCaseOpening(facts);
      const advisory = await CatalogueStore.advisory(tx, opening.advisoryId);
      const known = await CatalogueStore.version(tx, scan.name, scan.version);
      await this.playbook.openOrJoin(
        tx,
        {
          name: scan.name,
          trigger: opening.trigger,
          advisoryId: opening.advisoryId,
          severity: opening.severity,
          reason: scanCaseReason(opening, facts, advisory?.summary),
          evidence: { advisoryId: opening.advisoryId || undefined },
          versions: [{ version: scan.version, integrity: scan.integrity, ...(known?.publishedAt ? { publishedAt: known.publishedAt } : {}), evidence: opening.evidence }],
          views: [],
          openedBy: SERVICE_ACTOR,
          drill: false,
          signals: [advisory?.publishedAt],
        },
        policy,
        clock,
      );
    });
  }

  async tampered(message: Pick<DeliveredMessage, 'id'>, event: VersionTampered): Promise<void> {
    const upstream = event.upstream || 'upstream';
    await this.upstreamFinding(message, 'recall.version-tampered', event, {
      trigger: 'tamper',
      severity: Severity.CRITICAL,
      reason: `the upstream ${upstream} now serves other bytes for ${event.name}@${event.version} than the ones recorded here`,
      evidence: { upstream },
      versionEvidence: { integrity: event.integrity, upstreamIntegrity: event.upstreamIntegrity, upstream },
    });
  }

  async upstreamRemoved(message: Pick<DeliveredMessage, 'id'>, event: VersionUpstreamRemoved): Promise<void> {
    const upstream = event.upstream || 'upstream';
    await this.upstreamFinding(message, 'recall.version-upstream-removed', event, {
      trigger: 'upstream-removed',
      severity: Severity.HIGH,
      reason: event.packageRemoved
        ? `the upstream ${upstream} removed the package ${event.name} (registries take malware down this way)`
        : `the upstream ${upstream} no longer lists ${event.name}@${event.version} (registries take malware down this way)`,
      evidence: { upstream, packageRemoved: event.packageRemoved },
      versionEvidence: { integrity: event.integrity, upstream, packageRemoved: event.packageRemoved },
    });
  }

  /** A finding of the read-through cache about one version opens (or joins) its package's case. */
  private async upstreamFinding(
    message: Pick<DeliveredMessage, 'id'>,
    consumer: string,
    event: VersionTampered | VersionUpstreamRemoved,
    finding: { trigger: 'tamper' | 'upstream-removed'; severity: Severity; reason: string; evidence: Record<string, unknown>; versionEvidence: Record<string, unknown> },
  ): Promise<void> {
    const clock = new StepClock();
    const policy = await this.readPolicy(clock);
    const detectedAt = event.detectedAt ? timestampDate(event.detectedAt) : new Date();
    await applyOnce(this.dataSource, consumer, message, async (tx) => {
      const known = await CatalogueStore.version(tx, event.name, event.version);
      await this.playbook.openOrJoin(
        tx,
        {
          name: event.name,
          trigger: finding.trigger,
          advisoryId: '',
          severity: finding.severity,
          reason: finding.reason,
          evidence: finding.evidence,
          versions: [
            {
              version: event.version,
              integrity: event.integrity || known?.integrity || '',
              ...(known?.publishedAt ? { publishedAt: known.publishedAt } : {}),
              evidence: { ...finding.versionEvidence, detectedAt: detectedAt.toISOString() },
            },
          ],
          views: [],
          openedBy: SERVICE_ACTOR,
          drill: false,
          signals: [detectedAt],
        },
        policy,
        clock,
      );
    });
  }

  private readPolicy(clock: StepClock): Promise<ViewPolicy> {
    return clock.run('read-policies', () => this.policies.current(), (p) => `views ${p.views.join(', ')}`);
  }
}

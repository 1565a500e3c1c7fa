import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { OpenRecallAcceptedSchema, OpenRecallRequest } from '@palisade/contracts';
import { addAllToOutbox } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import type { DataSource } from 'typeorm';
import { resolveAffectedVersions } from '../domain/affected-versions';
import { RecallError, RecallErrorCode } from '../domain/recall-error';
import { isKnownSeverity } from '../domain/severity';
import { CaseStore } from '../store/case-store';
import { CatalogueStore } from '../store/catalogue-store';
import { recallAlert } from './case-messages';
import { CasePlaybook, viewsOfRows } from './case-playbook';
import { CaseReader } from './case-reader';
import { lockChangeable } from './override-service';
import { PolicyClient } from './policy-client';
import { RollbackPlanner } from './rollback-planner';
import { StepClock } from './step-clock';

/**
 * `palisade recall` and `palisade drill`: a case opened by a person for versions of one package.
 * A drill runs every step of the playbook — versions, policies, plan, blast radius, suggestions,
 * alerts (marked drill) — with no quarantine or release, times each step, and closes at once
 * (CANCELLED); the reply carries the report.
 */
@Injectable()
export class ManualRecalls {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly policies: PolicyClient,
    private readonly playbook: CasePlaybook,
    private readonly reader: CaseReader,
  ) {}

  async open(request: OpenRecallRequest): Promise<MessageInitShape<typeof OpenRecallAcceptedSchema>> {
    const problems: string[] = [];
    const name = request.name.trim();
    const by = request.requestedBy?.principal ?? '';
    if (!name) problems.push('name: required');
    if (!request.reason.trim()) problems.push('reason: required (clients print it)');
    if (!isKnownSeverity(request.severity)) problems.push('severity: required (info, low, medium, high or critical)');
    if (!by) problems.push('requested_by: the requesting principal is required');
    if (problems.length) throw new RecallError(RecallErrorCode.InvalidRequest, 'the recall request is incomplete', problems);

    const clock = new StepClock();
    const catalogue = await clock.run(
      'resolve-versions',
      async () => {
        const recorded = (await CatalogueStore.versionsOf(this.dataSource.manager, name)).filter((v) => !v.unpublished);
        const versions = resolveAffectedVersions(
          recorded.map((v) => v.version),
          { versions: request.versions, range: request.versionRange },
        );
        return versions.map((v) => recorded.find((r) => r.version === v)).filter((v) => v !== undefined);
      },
      (found) => `${found.length} versions: ${found.map((v) => v.version).join(', ')}`,
    );
    const policy = await clock.run('read-policies', () => this.policies.current(), (p) => `views ${p.views.join(', ')}`);
    const unknown = request.views.filter((v) => !policy.views.includes(v));
    if (unknown.length) {
      throw new RecallError(RecallErrorCode.UnknownView, `unknown view ${unknown.join(', ')}`, unknown.map((v) => `views: "${v}" is not one of ${policy.views.join(', ')}`));
    }

    const recallId = await this.dataSource.transaction(async (tx) => {
      const c = await this.playbook.open(
        tx,
        {
          name,
          trigger: 'manual',
          advisoryId: '',
          severity: request.severity,
          reason: request.reason.trim(),
          evidence: { requestedVersions: request.versions, versionRange: request.versionRange, requestedBy: by, tokenId: request.requestedBy?.tokenId ?? '' },
          versions: catalogue.map((v) => ({ version: v.version, integrity: v.integrity, ...(v.publishedAt ? { publishedAt: v.publishedAt } : {}) })),
          views: [...new Set(request.views)],
          openedBy: by,
          drill: request.drill,
          signals: [],
        },
        policy,
        clock,
        new Date(),
      );
      if (!c.drill) return c.id;

      const versions = catalogue.map((v) => v.version);
      const rows = await CaseStore.enforcementsOf(tx, [c.id]);
      const views = viewsOfRows(rows);
      const planner = await RollbackPlanner.load(tx, name, versions);
      await clock.run('blast-radius', () => this.reader.exposures(tx, name, versions, planner), (e) => `${e.length} exposures (downloads and deployments)`);
      await clock.run(
        'suggest-rollbacks',
        async () => versions.flatMap((v) => views.map((view) => planner.suggestion(v, view, true))),
        (s) => `${s.filter((x) => x.toVersion).length} of ${s.length} have a safe version`,
      );
      const contained = new Date();
      await clock.run(
        'contain (simulated)',
        () => addAllToOutbox(tx, [recallAlert(c, 'contained', { versions, views }, `drill ${c.id}: ${rows.length} quarantines would be served`, contained)]),
        () => `${rows.length} quarantines, none applied`,
      );
      await clock.run('close', () => this.playbook.close(tx, c, 'cancelled', by, 'drill finished', new Date()), () => 'cancelled');
      const at = new Date();
      await CaseStore.update(tx, c.id, { steps: clock.steps });
      await CaseStore.addTimeline(
        tx,
        clock.steps.map((s) => ({ recallId: c.id, at, kind: 'drill-step', actor: by, view: '', detail: `${s.step}: ${s.durationMs} ms${s.detail ? ` (${s.detail})` : ''}` })),
      );
      return c.id;
    });

    const recall = await this.reader.show(recallId);
    return { recallId, affected: catalogue.map((v) => ({ name, version: v.version })), drill: request.drill, recall };
  }

  /** Closes a case keeping its quarantines (resolution CONTAINED). */
  async close(recallId: string, by: string, reason: string): Promise<string> {
    if (!by) throw new RecallError(RecallErrorCode.InvalidRequest, 'the closing principal is required', ['closed_by: required']);
    return this.dataSource.transaction(async (tx) => {
      const c = await lockChangeable(tx, recallId);
      await this.playbook.close(tx, c, 'contained', by, reason.trim(), new Date());
      return c.id;
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { DeploymentRecordedSchema, ReportDeploymentRequest } from '@palisade/contracts';
import { DATA_SOURCE } from '@palisade/platform';
import type { DataSource } from 'typeorm';
import { newDeploymentId } from '../domain/ids';
import { RecallError, RecallErrorCode } from '../domain/recall-error';
import { CaseStore } from '../store/case-store';
import { ExposureStore, type DeployedPackageRecord } from '../store/exposure-store';

const MAX_PROBLEMS = 20;

/**
 * What CI deployed (the gateway parsed the lockfile): kept for blast radius; the reply names the
 * open cases that already affect it.
 */
@Injectable()
export class Deployments {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async report(request: ReportDeploymentRequest): Promise<MessageInitShape<typeof DeploymentRecordedSchema>> {
    const problems: string[] = [];
    if (!request.service.trim()) problems.push('service: required');
    if (!request.environment.trim()) problems.push('environment: required');
    if (!request.view.trim()) problems.push('view: required (the view the lockfile was resolved from)');
    if (!request.reportedBy?.principal) problems.push('reported_by: the reporting principal is required');
    const packages = new Map<string, DeployedPackageRecord>();
    request.packages.forEach((p, i) => {
      if (!p.name || !p.version) {
        problems.push(`packages[${i}]: name and version are required`);
        return;
      }
      const key = `${p.name}@${p.version}`;
      const seen = packages.get(key);
      packages.set(key, { name: p.name, version: p.version, direct: p.direct || (seen?.direct ?? false), integrity: p.integrity || seen?.integrity || '' });
    });
    if (problems.length) {
      throw new RecallError(RecallErrorCode.InvalidDeployment, 'the deployment report is invalid', problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `... and ${problems.length - MAX_PROBLEMS} more`] : problems);
    }
    const list = [...packages.values()];
    return this.dataSource.transaction(async (tx) => {
      const id = newDeploymentId();
      await ExposureStore.insertDeployment(
        tx,
        {
          id,
          service: request.service.trim(),
          environment: request.environment.trim(),
          view: request.view.trim(),
          format: request.format,
          reportedBy: request.reportedBy?.principal ?? '',
          reference: request.reference,
          reportedAt: new Date(),
        },
        list,
      );
      return { deploymentId: id, packages: list.length, affectedBy: await CaseStore.openCasesAffecting(tx, list) };
    });
  }
}

import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../http/registry-errors';
import { IngestClient } from '../packages/application/ingest-client';
import { PackageChanges } from '../packages/cache/package-changes';
import { PackageReader, type TarballLocation } from '../packages/store/package-reader';
import { OnDemandViews } from './on-demand-views';

/**
 * How long a tarball request waits for its version's verdict, signature and admission. Alone in
 * the pipeline that takes a fraction of a second; npm itself waits minutes for a response.
 */
export const JUDGE_TIMEOUT_MS = 60_000;

/**
 * The tarball of an upstream version that a view lists before judging it: the request hands the
 * version to the pipeline ahead of the background queue (`registry.cmd.ingest.judge`) and waits
 * until the view admits it, or answers 451 with the reason when the scan blocks it or the view's
 * policy refuses it.
 */
@Injectable()
export class OnDemandJudgement {
  constructor(
    private readonly reader: PackageReader,
    private readonly changes: PackageChanges,
    private readonly ingest: IngestClient,
    private readonly onDemand: OnDemandViews,
  ) {}

  /** The version's location once the view admits it; null when the view lists no such unjudged version. */
  async admitted(view: string, name: string, version: string): Promise<TarballLocation | null> {
    if (!(await this.onDemand.listsUnjudged(view))) return null;
    const before = await this.reader.unjudgedIn(view, name, version);
    if (before === null) return null;
    if (before.state === 'waiting') {
      await this.ingest.judge(name, version);
      await this.changes.waitFor(
        name,
        async () => (await this.reader.tarballIn(view, name, version)) !== null || (await this.reader.unjudgedIn(view, name, version))?.state !== 'waiting',
        JUDGE_TIMEOUT_MS,
      );
    }
    const location = await this.reader.tarballIn(view, name, version);
    if (location) return location;
    const after = await this.reader.unjudgedIn(view, name, version);
    if (after?.state === 'blocked') throw new RegistryHttpError('PAL_ERR_BLOCKED', `${name}@${version}: ${after.reason}`);
    if (after?.state === 'refused') throw new RegistryHttpError('PAL_ERR_NOT_ADMITTED', `${name}@${version} is not admitted to ${view}: ${after.reason}`);
    throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', `${name}@${version} is still being scanned and signed; retry shortly`, { headers: { 'retry-after': '5' } });
  }
}

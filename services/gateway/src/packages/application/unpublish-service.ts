import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest } from '../../http/registry-request';
import { PackageChanges } from '../cache/package-changes';
import { versionOfTarballFile } from '../domain/tarball-file';
import { PackageReader } from '../store/package-reader';
import { IngestClient } from './ingest-client';
import { actorOf, maintainerOf } from './package-guard';
import { VISIBLE_WAIT_MS } from './publish-service';

/**
 * The DELETE halves of `npm unpublish`: the whole package (`DELETE /<name>/-rev/<rev>`) and a
 * version's tarball after its metadata PUT (`DELETE /<name>/-/<file>.tgz/-rev/<rev>`). Ingest
 * does the unpublishing and keeps the record of the bytes, so name@version is never reused.
 */
@Injectable()
export class UnpublishService {
  constructor(
    private readonly reader: PackageReader,
    private readonly ingest: IngestClient,
    private readonly changes: PackageChanges,
  ) {}

  async unpublishPackage(request: RegistryRequest, name: string): Promise<RegistryReply> {
    const principal = await maintainerOf(request, this.reader, name);
    if ((await this.reader.liveVersions(name)).length === 0) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', name);
    await this.ingest.unpublish(name, [], actorOf(principal));
    await this.changes.waitFor(name, async () => (await this.reader.liveVersions(name)).length === 0, VISIBLE_WAIT_MS);
    return { status: 200, body: { ok: 'deleted package', success: true } };
  }

  /** 200 once the version is unpublished (unpublishing it now if its PUT has not yet); 404 if it never existed. */
  async deleteTarball(request: RegistryRequest, name: string, file: string): Promise<RegistryReply> {
    const version = versionOfTarballFile(name, file);
    if (version === undefined) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `${name}/-/${file}`);
    const principal = await maintainerOf(request, this.reader, name);
    const state = await this.reader.versionState(name, version);
    if (state === 'absent') throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `${name}@${version}`);
    if (state === 'live') {
      try {
        await this.ingest.unpublish(name, [version], actorOf(principal));
      } catch (e: unknown) {
        // Ingest already unpublished it; this replica just has not applied the event yet.
        if (!(e instanceof RegistryHttpError && e.code === 'PAL_ERR_NOT_FOUND')) throw e;
      }
      await this.changes.waitFor(name, async () => (await this.reader.versionState(name, version)) !== 'live', VISIBLE_WAIT_MS);
    }
    return { status: 200, body: { ok: 'deleted tarball', success: true } };
  }
}

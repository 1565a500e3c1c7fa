import { Injectable } from '@nestjs/common';
import { AccountDirectory } from '../../accounts/account-directory';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest } from '../../http/registry-request';
import { PackageChanges } from '../cache/package-changes';
import { isRecord, type JsonRecord } from '../domain/json-shapes';
import { diffMetadata, type MetadataChanges } from '../domain/metadata-diff';
import type { Maintainer } from '../domain/package-record';
import { assertValidTag } from '../domain/publish-body';
import { renderPackument } from '../domain/render-packument';
import { MetadataWriter } from '../store/metadata-writer';
import { PackageReader } from '../store/package-reader';
import { IngestClient } from './ingest-client';
import { actorOf, maintainerOf } from './package-guard';
import { VISIBLE_WAIT_MS } from './publish-service';

/**
 * Whole-packument PUTs without attachments: `npm deprecate`, `npm owner add|rm`, and the first
 * half of `npm unpublish <name>@<version>` (the doc without that version). The body is compared
 * with what this view served; only deprecations, maintainers, dist-tags and removals may differ.
 */
@Injectable()
export class MetadataService {
  constructor(
    private readonly reader: PackageReader,
    private readonly writer: MetadataWriter,
    private readonly ingest: IngestClient,
    private readonly changes: PackageChanges,
    private readonly accounts: AccountDirectory,
  ) {}

  async update(request: RegistryRequest, name: string): Promise<RegistryReply> {
    const principal = await maintainerOf(request, this.reader, name);
    const body = request.body;
    if (isRecord(body) && isRecord(body._attachments) && Object.keys(body._attachments).length > 0) {
      throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `attachments come with a publish: PUT /${name} with one new version`);
    }
    const record = await this.reader.load(name);
    if (!record) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', name);
    const doc = renderPackument(record, request.view, request.registryUrl, 'full');
    const served = {
      versions: new Map(Object.entries((doc?.versions ?? {}) as Record<string, JsonRecord>)),
      distTags: (doc?.['dist-tags'] ?? {}) as Record<string, string>,
      maintainers: record.maintainers,
    };
    const changes = diffMetadata(body, served);
    this.assertApplicable(changes, new Set(record.versions.map((v) => v.version)));
    if (changes.maintainers) changes.maintainers = await this.knownAccounts(changes.maintainers, record.maintainers);
    if (changes.removedVersions.length > 0) {
      await this.ingest.unpublish(name, changes.removedVersions, actorOf(principal));
      await this.changes.waitFor(name, async () => this.gone(name, changes.removedVersions), VISIBLE_WAIT_MS);
    }
    const removed = new Set(changes.removedVersions);
    const deprecations = new Map([...changes.deprecations].filter(([version]) => !removed.has(version)));
    if (deprecations.size > 0 || changes.maintainers || Object.keys(changes.tagSets).length > 0 || changes.tagDeletes.length > 0) {
      await this.writer.update(name, { deprecations, maintainers: changes.maintainers, tagSets: changes.tagSets, tagDeletes: changes.tagDeletes });
      this.changes.changed(name);
    }
    return { status: 200, body: { ok: 'updated package', success: true } };
  }

  private assertApplicable(changes: MetadataChanges, live: ReadonlySet<string>): void {
    if (changes.maintainers?.length === 0) throw new RegistryHttpError('PAL_ERR_CONFLICT', 'a package must keep at least one maintainer');
    const problems: string[] = [];
    for (const [tag, version] of Object.entries(changes.tagSets)) {
      assertValidTag(tag);
      if (!live.has(version) || changes.removedVersions.includes(version)) problems.push(`dist-tag ${tag}: version ${version} does not exist`);
    }
    if (problems.length > 0) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', problems.join('; '));
  }

  /** New maintainers must be accounts here (`npm owner add` looked them up already); their emails come from the account. */
  private async knownAccounts(maintainers: readonly Maintainer[], current: readonly Maintainer[]): Promise<Maintainer[]> {
    const accounts = await Promise.all(maintainers.map((m) => this.accounts.findAccount(m.name)));
    const unknown = maintainers.filter((m, i) => accounts[i] === undefined && !current.some((c) => c.name === m.name)).map((m) => m.name);
    if (unknown.length > 0) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `no account named ${unknown.join(', ')}`);
    return maintainers.map((m, i) => {
      const email = accounts[i]?.email || m.email;
      return email ? { name: m.name, email } : { name: m.name };
    });
  }

  private async gone(name: string, versions: readonly string[]): Promise<boolean> {
    const live = new Set(await this.reader.liveVersions(name));
    return versions.every((v) => !live.has(v));
  }
}

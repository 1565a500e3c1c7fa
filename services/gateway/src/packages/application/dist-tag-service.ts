import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest } from '../../http/registry-request';
import { PackageChanges } from '../cache/package-changes';
import { isRecord } from '../domain/json-shapes';
import { assertValidTag } from '../domain/publish-body';
import { viewDistTags } from '../domain/view-dist-tags';
import { visibleVersions } from '../domain/versions';
import { MetadataWriter } from '../store/metadata-writer';
import { PackageReader } from '../store/package-reader';
import { maintainerOf } from './package-guard';

/** `npm dist-tag ls|add|rm` and yarn's `npm tag`: tags are package-wide, each view shows its own subset. */
@Injectable()
export class DistTagService {
  constructor(
    private readonly reader: PackageReader,
    private readonly writer: MetadataWriter,
    private readonly changes: PackageChanges,
  ) {}

  async list(request: RegistryRequest, name: string): Promise<RegistryReply> {
    const record = await this.reader.load(name);
    const visible = record ? visibleVersions(record, request.view).map((v) => v.version) : [];
    if (!record || visible.length === 0) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', name);
    return { status: 200, body: viewDistTags(record.distTags, visible), headers: { 'cache-control': 'no-cache' } };
  }

  /** Sets tags (`PUT .../dist-tags/<tag>` with a JSON string, or `POST .../dist-tags` with a map). */
  async set(request: RegistryRequest, name: string, tags: Record<string, unknown>): Promise<RegistryReply> {
    await maintainerOf(request, this.reader, name);
    const live = new Set(await this.reader.liveVersions(name));
    const tagSets: Record<string, string> = {};
    for (const [tag, version] of Object.entries(tags)) {
      assertValidTag(tag);
      if (typeof version !== 'string') throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `the body must name a version for ${tag} as a JSON string`);
      if (!live.has(version)) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `${name}@${version}`);
      tagSets[tag] = version;
    }
    await this.writer.update(name, { tagSets });
    this.changes.changed(name);
    return { status: 201, body: { ok: 'dist-tags updated', success: true } };
  }

  async remove(request: RegistryRequest, name: string, tag: string): Promise<RegistryReply> {
    await maintainerOf(request, this.reader, name);
    if (tag === 'latest') throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'the latest tag cannot be removed; point it at another version instead');
    const record = await this.reader.load(name);
    if (!record || record.distTags[tag] === undefined) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `dist-tag ${tag} of ${name}`);
    await this.writer.update(name, { tagDeletes: [tag] });
    this.changes.changed(name);
    return { status: 200, body: { ok: 'dist-tag removed', success: true } };
  }
}

/** `POST /-/package/<name>/dist-tags` merges a `{ tag: version }` map. */
export function tagMapOf(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'the body must map dist-tags to versions');
  return body;
}

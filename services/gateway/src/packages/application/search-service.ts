import { Injectable } from '@nestjs/common';
import { scopeOf } from '../../http/package-name';
import type { RegistryReply, RegistryRequest } from '../../http/registry-request';
import { isRecord, type JsonRecord } from '../domain/json-shapes';
import type { PackageRecord } from '../domain/package-record';
import { parseSearchText } from '../domain/search-query';
import { viewDistTags } from '../domain/view-dist-tags';
import { visibleVersions } from '../domain/versions';
import { PackageReader } from '../store/package-reader';
import { PackageSearch } from '../store/package-search';

const DEFAULT_SIZE = 20;
/** npm's search API: `size` at most 250... */
const MAX_SIZE = 250;
/** ...and paging stops here (deeper pages cost a scan of everything before them). */
const MAX_FROM = 10_000;

/** `npm search` (`GET /-/v1/search`): packages the view serves, described by their latest version there. */
@Injectable()
export class SearchService {
  constructor(
    private readonly search: PackageSearch,
    private readonly reader: PackageReader,
  ) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const text = request.query.get('text') ?? '';
    const size = clamp(request.query.get('size'), DEFAULT_SIZE, 1, MAX_SIZE);
    const from = clamp(request.query.get('from'), 0, 0, MAX_FROM);
    const { names, total } = await this.search.find(request.view, parseSearchText(text), from, size);
    const records = await Promise.all(names.map((name) => this.reader.load(name)));
    const objects = records.flatMap((record) => {
      const entry = record ? searchEntry(record, request.view, text) : undefined;
      return entry ? [entry] : [];
    });
    return { status: 200, body: { objects, total, time: new Date().toISOString() }, headers: { 'cache-control': 'no-cache' } };
  }
}

function searchEntry(record: PackageRecord, view: string, text: string): JsonRecord | undefined {
  const visible = visibleVersions(record, view);
  const latestVersion = viewDistTags(record.distTags, visible.map((v) => v.version)).latest;
  const latest = visible.find((v) => v.version === latestVersion);
  if (!latest) return undefined;
  const m = latest.manifest;
  const scope = scopeOf(record.name);
  const links: Record<string, string> = {};
  if (typeof m.homepage === 'string') links.homepage = m.homepage;
  const repository = isRecord(m.repository) ? m.repository.url : m.repository;
  if (typeof repository === 'string') links.repository = repository;
  const bugs = isRecord(m.bugs) ? m.bugs.url : m.bugs;
  if (typeof bugs === 'string') links.bugs = bugs;
  const exact = record.name.toLowerCase() === text.trim().toLowerCase();
  return {
    package: {
      name: record.name,
      scope: scope ? scope.slice(1) : 'unscoped',
      version: latest.version,
      ...(typeof m.description === 'string' ? { description: m.description } : {}),
      keywords: Array.isArray(m.keywords) ? m.keywords.filter((k) => typeof k === 'string') : [],
      date: latest.publishedAt.toISOString(),
      links,
      ...authorOf(m.author),
      ...(latest.publisher ? { publisher: { username: latest.publisher, email: '' } } : {}),
      maintainers: record.maintainers.map((x) => ({ username: x.name, email: x.email ?? '' })),
    },
    score: { final: exact ? 1 : 0.5, detail: { quality: 1, popularity: 1, maintenance: 1 } },
    searchScore: exact ? 100 : 1,
  };
}

function authorOf(author: unknown): { author?: { name: string } } {
  if (typeof author === 'string' && author.trim()) return { author: { name: author.replace(/\s*[<(].*$/, '').trim() } };
  if (isRecord(author) && typeof author.name === 'string') return { author: { name: author.name } };
  return {};
}

function clamp(raw: string | null, fallback: number, min: number, max: number): number {
  const value = raw === null ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import type { PackageRecord } from '../domain/package-record';
import { renderPackument, type Representation } from '../domain/render-packument';
import { PackageReader } from '../store/package-reader';
import { OnDemandViews } from '../../upstream/on-demand-views';
import { PackageChanges } from './package-changes';
import { RenderedPackument } from './rendered-packument';
import { gatewaySettings } from '../../gateway.config';

/** How long a package's revision is trusted before asking the database again (other replicas' changes). */
export const REVISION_TTL_MS = 1_000;
const MAX_ENTRIES = 20_000;
const MAX_RECORDS = 1_000;

interface Entry {
  name: string;
  revision: number;
  /** Bytes charged to the budget: the body plus an allowance for its compressed variants. */
  cost: number;
  /** null: the package exists but this view serves none of its versions. */
  doc: RenderedPackument | null;
}

interface KnownRevision {
  revision: number | null;
  checkedAt: number;
}

/**
 * Rendered packuments per (view, name, representation, registry URL). A hit costs no database
 * query: the package's revision is re-read at most once per REVISION_TTL_MS, and changes this
 * replica applies drop the package's entries at once. Bounded by entry count and by bytes
 * (PALISADE_PACKUMENT_CACHE_MAX_BYTES), least recently used dropped first.
 */
@Injectable()
export class PackumentCache implements OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly keysByName = new Map<string, Set<string>>();
  private readonly revisions = new Map<string, KnownRevision>();
  private readonly revisionReads = new Map<string, Promise<number | null>>();
  private readonly records = new Map<string, PackageRecord>();
  private readonly recordReads = new Map<string, Promise<PackageRecord | null>>();
  private readonly renders = new Map<string, Promise<RenderedPackument | null>>();
  /** Counts invalidations: a read that started before one must not be remembered after it. */
  private epoch = 0;
  private bytes = 0;
  /** PALISADE_PACKUMENT_CACHE_MAX_BYTES: renderings beyond it are dropped, least recently used first. */
  private readonly maxBytes: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly reader: PackageReader,
    changes: PackageChanges,
    private readonly onDemand: OnDemandViews,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
  ) {
    this.maxBytes = gatewaySettings(config).packumentCacheMaxBytes;
    this.unsubscribe = changes.onChange((name) => this.invalidate(name));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The view's packument, or null when the package is unknown or the view serves none of it. */
  async get(view: string, name: string, representation: Representation, registryUrl: string): Promise<RenderedPackument | null> {
    const revision = await this.revision(name);
    if (revision === null) return null;
    const listsUnjudged = await this.onDemand.listsUnjudged(view);
    const key = `${view}\n${listsUnjudged ? 'on-demand' : 'judged'}\n${representation}\n${registryUrl}\n${name}`;
    const entry = this.entries.get(key);
    if (entry && entry.revision === revision) {
      // Re-inserting keeps the Map in least-recently-used order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.doc;
    }
    // A burst of misses (right after a change) renders once.
    let pending = this.renders.get(key);
    if (!pending) {
      const render = this.render(key, view, name, representation, registryUrl, revision, listsUnjudged).finally(() => {
        if (this.renders.get(key) === render) this.renders.delete(key);
      });
      this.renders.set(key, (pending = render));
    }
    return pending;
  }

  private async render(key: string, view: string, name: string, representation: Representation, registryUrl: string, revision: number, listsUnjudged: boolean): Promise<RenderedPackument | null> {
    const record = await this.record(name, revision);
    if (!record) return null;
    const rendered = renderPackument(record, view, registryUrl, representation, listsUnjudged);
    const doc = rendered ? new RenderedPackument(rendered, representation) : null;
    const cost = doc ? Math.ceil(doc.body.length * 1.5) : 0;
    this.store(key, { name, revision: record.revision, cost, doc });
    return doc;
  }

  /** Drops everything known about the package (this replica changed it). */
  invalidate(name: string): void {
    this.epoch += 1;
    this.revisionReads.delete(name);
    this.recordReads.delete(name);
    this.revisions.delete(name);
    this.records.delete(name);
    for (const key of this.keysByName.get(name) ?? []) this.remove(key);
    // Renders under way started before the change: later requests must not join them.
    for (const key of this.renders.keys()) if (key.endsWith(`\n${name}`)) this.renders.delete(key);
    this.keysByName.delete(name);
  }

  private async revision(name: string): Promise<number | null> {
    const known = this.revisions.get(name);
    if (known && Date.now() - known.checkedAt < REVISION_TTL_MS) return known.revision;
    const epoch = this.epoch;
    let pending = this.revisionReads.get(name);
    if (!pending) {
      const read = this.reader.revisionOf(name).finally(() => {
        if (this.revisionReads.get(name) === read) this.revisionReads.delete(name);
      });
      this.revisionReads.set(name, (pending = read));
    }
    const revision = await pending;
    if (this.epoch !== epoch) return revision;
    this.revisions.set(name, { revision, checkedAt: Date.now() });
    if (this.revisions.size > MAX_ENTRIES) this.revisions.delete(this.revisions.keys().next().value as string);
    return revision;
  }

  /** The package at `revision` or newer; concurrent misses for one package share one query. */
  private async record(name: string, revision: number): Promise<PackageRecord | null> {
    const cached = this.records.get(name);
    if (cached && cached.revision >= revision) return cached;
    const epoch = this.epoch;
    let pending = this.recordReads.get(name);
    if (!pending) {
      const read = this.reader.load(name).finally(() => {
        if (this.recordReads.get(name) === read) this.recordReads.delete(name);
      });
      this.recordReads.set(name, (pending = read));
    }
    const record = await pending;
    if (this.epoch !== epoch) return record;
    if (!record) {
      this.revisions.set(name, { revision: null, checkedAt: Date.now() });
      return null;
    }
    if (record.revision >= revision) {
      this.records.delete(name);
      this.records.set(name, record);
      if (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value as string);
      // The load is as fresh as a revision check.
      this.revisions.set(name, { revision: record.revision, checkedAt: Date.now() });
    }
    return record;
  }

  private store(key: string, entry: Entry): void {
    this.remove(key);
    this.entries.set(key, entry);
    this.bytes += entry.cost;
    let keys = this.keysByName.get(entry.name);
    if (!keys) this.keysByName.set(entry.name, (keys = new Set()));
    keys.add(key);
    while (this.entries.size > MAX_ENTRIES || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.cost;
    this.keysByName.get(entry.name)?.delete(key);
  }
}

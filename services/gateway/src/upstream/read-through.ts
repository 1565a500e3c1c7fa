import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import { LOGGER } from '@palisade/platform';
import { SingleFlight, UPSTREAM_SETTINGS, isInternalName, type UpstreamSettings } from '@palisade/upstream';
import type { GatewaySettings } from '../gateway.config';
import { GATEWAY_SETTINGS } from '../packages/application/gateway-settings.provider';
import { IngestClient } from '../packages/application/ingest-client';
import { PackageChanges } from '../packages/cache/package-changes';
import { PackageReader } from '../packages/store/package-reader';
import { OnDemandViews } from './on-demand-views';

/** How long a first request for an upstream package waits for its versions to reach the view. */
export const SETTLE_TIMEOUT_MS = 15_000;
/** Admissions still arriving this recently mean the view is not settled yet. */
const QUIET_MS = 300;
/** A package recorded this recently may still be on its way into the views. */
const ARRIVING_MS = 30_000;
const MAX_REMEMBERED = 100_000;
/** Dependency prefetches in flight at most, per replica. */
const MAX_PREFETCHING = 32;

/**
 * Packuments of names unknown here: fetched through ingest from the upstream (never for internal
 * scopes or when offline), then awaited until the view shows them. Known upstream packages are
 * revalidated in the background once they are older than PALISADE_UPSTREAM_MAX_AGE, so a slow or
 * dead upstream never delays a client that the cache can answer.
 */
@Injectable()
export class ReadThrough {
  readonly #fetches = new SingleFlight<string[]>();
  /** When this replica last asked ingest about a name (insertion order = age, for trimming). */
  readonly #checkedAt = new Map<string, number>();
  #prefetching = 0;

  constructor(
    @Inject(UPSTREAM_SETTINGS) private readonly settings: UpstreamSettings,
    @Inject(GATEWAY_SETTINGS) private readonly gateway: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly ingest: IngestClient,
    private readonly reader: PackageReader,
    private readonly changes: PackageChanges,
    private readonly onDemand: OnDemandViews,
  ) {}

  get entryView(): string {
    return this.gateway.entryView;
  }

  /** May this name be looked up upstream at all? */
  eligible(name: string): boolean {
    return this.settings.url !== undefined && !this.settings.offline && !isInternalName(name, this.settings.internalScopes);
  }

  /**
   * Reads an unknown name through and waits until the view has settled on its versions. Throws the
   * refusal as a `RegistryHttpError` (404 for names the upstream does not have, 503 when it is down).
   */
  async resolveUnknown(view: string, name: string): Promise<void> {
    await this.settle(view, name, await this.#fetch(name));
    this.#prefetchDependencies(name);
  }

  /**
   * Waits (bounded) until `view` shows the versions just recorded for `name`. A view that judges on
   * demand lists them as soon as the gateway has recorded them all; any other view waits for
   * admissions: all of them, or some and no new admission for a moment. A view after the entry view
   * may admit none (a cooldown), so once the entry view has them all and nothing moves, waiting stops.
   */
  async settle(view: string, name: string, versions?: readonly string[]): Promise<void> {
    const listsUnjudged = await this.onDemand.listsUnjudged(view);
    let lastSeen = '';
    let quietSince = Date.now();
    await this.changes.waitFor(
      name,
      async () => {
        const record = await this.reader.load(name);
        if (!record) return false;
        const wanted = versions ?? record.versions.map((v) => v.version);
        const recorded = new Set(record.versions.map((v) => v.version));
        if (!wanted.every((v) => recorded.has(v))) return false;
        if (listsUnjudged) return true;
        const visible = record.admissions.get(view)?.size ?? 0;
        if (visible >= wanted.length) return true;
        const entry = record.admissions.get(this.gateway.entryView)?.size ?? 0;
        const seen = `${visible}/${entry}`;
        if (seen !== lastSeen) {
          lastSeen = seen;
          quietSince = Date.now();
        }
        const quiet = Date.now() - quietSince >= QUIET_MS;
        return quiet && (visible > 0 || (view !== this.gateway.entryView && entry >= wanted.length));
      },
      SETTLE_TIMEOUT_MS,
    );
  }

  /** True while versions recorded moments ago may still be reaching the views. */
  isArriving(modifiedAt: Date): boolean {
    return Date.now() - modifiedAt.getTime() < ARRIVING_MS;
  }

  /** Starts a background revalidation of an upstream package when this replica has not checked it for max-age. */
  revalidateIfStale(name: string): void {
    if (!this.eligible(name)) return;
    const checked = this.#checkedAt.get(name);
    if (checked !== undefined && Date.now() - checked < this.settings.maxAgeMs) return;
    this.#remember(name);
    void (async () => {
      if (!(await this.reader.isFromUpstream(name))) return;
      await this.#fetch(name);
    })().catch((e: unknown) => this.logger.warn({ name, err: e }, 'upstream revalidation failed; the cached packument stays served'));
  }

  #fetch(name: string): Promise<string[]> {
    return this.#fetches.run(name, async () => {
      this.#remember(name);
      const accepted = await this.ingest.fetch(name);
      return accepted.versions.map((v) => v.version);
    });
  }

  /**
   * A client that asked for a package asks for its dependencies next, one level of the tree at a
   * time; reading the newest version's dependencies through now saves it one upstream round trip
   * per level. Bounded, best effort, same rules (never internal scopes, one fetch per name).
   */
  #prefetchDependencies(name: string): void {
    void (async () => {
      const record = await this.reader.load(name);
      const newest = record?.versions.find((v) => v.version === record.distTags.latest) ?? record?.versions.at(-1);
      if (!newest) return;
      const names = new Set<string>();
      for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
        const deps = newest.manifest[field];
        if (deps !== null && typeof deps === 'object') for (const dep of Object.keys(deps)) names.add(dep);
      }
      for (const dep of names) {
        if (this.#prefetching >= MAX_PREFETCHING || !this.eligible(dep) || (await this.reader.revisionOf(dep)) !== null) continue;
        this.#prefetching += 1;
        this.#fetch(dep)
          .catch((e: unknown) => this.logger.debug({ name: dep, err: e }, 'dependency prefetch failed'))
          .finally(() => (this.#prefetching -= 1));
      }
    })().catch((e: unknown) => this.logger.debug({ name, err: e }, 'dependency prefetch failed'));
  }

  #remember(name: string): void {
    this.#checkedAt.delete(name);
    this.#checkedAt.set(name, Date.now());
    if (this.#checkedAt.size > MAX_REMEMBERED) this.#checkedAt.delete(this.#checkedAt.keys().next().value as string);
  }
}

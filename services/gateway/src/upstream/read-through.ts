import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import { LOGGER } from '@palisade/platform';
import { SingleFlight, UPSTREAM_SETTINGS, isInternalName, type UpstreamSettings } from '@palisade/upstream';
import type { GatewaySettings } from '../gateway.config';
import { GATEWAY_SETTINGS } from '../packages/application/gateway-settings.provider';
import { IngestClient } from '../packages/application/ingest-client';
import { PackageChanges } from '../packages/cache/package-changes';
import { PackageReader } from '../packages/store/package-reader';
import { RegistryHttpError } from '../http/registry-errors';
import { OnDemandViews } from './on-demand-views';

/** How long a first request for an upstream package waits for its versions to reach the view. */
export const SETTLE_TIMEOUT_MS = 15_000;
/** Admissions still arriving this recently mean the view is not settled yet. */
const QUIET_MS = 300;
/** A package recorded this recently may still be on its way into the views. */
const ARRIVING_MS = 30_000;
const MAX_REMEMBERED = 100_000;
const MAX_JUST_FETCHED = 10_000;
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
  /** The versions ingest answered for names fetched moments ago, while they travel to the read model. */
  readonly #justFetched = new Map<string, { at: number; versions: string[] } | { at: number; notFound: RegistryHttpError }>();
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
    await this.settle(view, name, await this.#readThrough(name));
    this.#prefetchDependencies(name);
  }

  /**
   * Waits (bounded) until `view` shows the versions just recorded for `name`. A view that judges on
   * demand lists them as soon as the gateway has recorded them all and the upstream's listing has
   * arrived (not only a tagged version's own event); any other view waits for admissions: all of
   * them, or some and no new admission for a moment. A view after the entry view may admit none (a
   * cooldown), so once the entry view has them all and nothing moves, waiting stops.
   */
  async settle(view: string, name: string, versions?: readonly string[]): Promise<void> {
    const listsUnjudged = await this.onDemand.listsUnjudged(view);
    let lastSeen = '';
    let quietSince = Date.now();
    let askedForTagged = false;
    await this.changes.waitFor(
      name,
      async () => {
        const record = await this.reader.load(name);
        if (!record) return false;
        const wanted = versions ?? record.versions.map((v) => v.version);
        const recorded = new Set(record.versions.map((v) => v.version));
        if (!wanted.every((v) => recorded.has(v))) return false;
        if (listsUnjudged) return !record.awaitingListing;
        if (!askedForTagged && !record.awaitingListing) {
          askedForTagged = true;
          this.#judgeTagged(name, record.distTags);
        }
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

  /**
   * A view that lists only judged versions asks for what its dist-tags name: ingest judges upstream
   * versions only when asked (a tarball in a view that judges on demand, this) or in the background.
   */
  #judgeTagged(name: string, distTags: Readonly<Record<string, string>>): void {
    for (const version of new Set(Object.values(distTags))) {
      this.ingest.judge(name, version).catch((e: unknown) => this.logger.warn({ name, version, err: e }, 'asking ingest to judge a tagged upstream version failed'));
    }
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

  /**
   * A name unknown to the read model: a name read through moments ago (by a prefetch, another
   * client) is on its way there, and asking the upstream again would only cost a revalidation.
   */
  async #readThrough(name: string): Promise<string[]> {
    const recent = this.#justFetched.get(name);
    if (!recent || Date.now() - recent.at >= ARRIVING_MS) return this.#fetch(name);
    if ('notFound' in recent) throw recent.notFound;
    return recent.versions;
  }

  #fetch(name: string): Promise<string[]> {
    return this.#fetches.run(name, async () => {
      this.#remember(name);
      try {
        const versions = (await this.ingest.fetch(name)).versions.map((v) => v.version);
        this.#rememberFetch(name, { at: Date.now(), versions });
        return versions;
      } catch (e: unknown) {
        // Not there upstream (a prefetched optional dependency, say): not asked again right away either.
        if (e instanceof RegistryHttpError && e.code === 'PAL_ERR_NOT_FOUND') this.#rememberFetch(name, { at: Date.now(), notFound: e });
        throw e;
      }
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
        this.#readThrough(dep)
          .catch((e: unknown) => this.logger.debug({ name: dep, err: e }, 'dependency prefetch failed'))
          .finally(() => (this.#prefetching -= 1));
      }
    })().catch((e: unknown) => this.logger.debug({ name, err: e }, 'dependency prefetch failed'));
  }

  #rememberFetch(name: string, outcome: { at: number; versions: string[] } | { at: number; notFound: RegistryHttpError }): void {
    this.#justFetched.delete(name);
    this.#justFetched.set(name, outcome);
    if (this.#justFetched.size > MAX_JUST_FETCHED) this.#justFetched.delete(this.#justFetched.keys().next().value as string);
  }

  #remember(name: string): void {
    this.#checkedAt.delete(name);
    this.#checkedAt.set(name, Date.now());
    if (this.#checkedAt.size > MAX_REMEMBERED) this.#checkedAt.delete(this.#checkedAt.keys().next().value as string);
  }
}

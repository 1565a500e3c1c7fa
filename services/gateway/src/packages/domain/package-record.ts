/** A maintainer as npm shows it (`npm owner ls`); the email is unknown for publishers seen only by name. */
export interface Maintainer {
  name: string;
  email?: string;
}

/** A recall quarantine as one view serves it (the strongest of the cases holding the version there). */
export interface VersionQuarantine {
  /** `block` hides the version from the view and refuses its tarball; `warn` serves `reason` as its deprecation. */
  mode: 'warn' | 'block';
  /** The message clients are shown, naming the recall case. */
  reason: string;
}

/** One live (ingested, not unpublished) version of a package, as the read model keeps it. */
export interface VersionRecord {
  version: string;
  /** The version object ingest recorded (package.json fields, `_id`, `dist`, ...). */
  manifest: Readonly<Record<string, unknown>>;
  integrity: string;
  publishedAt: Date;
  publisher?: string;
  /** Gateway-owned deprecation message; shown in every view. */
  deprecated?: string;
  /** Registry signatures of these exact bytes, served as `dist.signatures`. */
  signatures?: ReadonlyArray<{ keyid: string; sig: string }>;
  /** Predicate type of the publisher's provenance bundle, when the version has one. */
  provenancePredicateType?: string;
  /** Scan verdict of these exact bytes, when not clean: `block` hides the version in every view, `warn` deprecates it. */
  verdict?: 'warn' | 'block';
  /** What the scan found, shown to clients (deprecation message or refusal reason). */
  verdictReason?: string;
  /** Recall quarantines of these exact bytes, by view; views not listed serve the version as usual. */
  quarantines?: ReadonlyMap<string, VersionQuarantine>;
  /** Read through from the upstream: views that judge on demand list it before it is admitted. */
  fromUpstream?: boolean;
  /** Views whose policy refused or dismissed the version, with the reason. */
  dismissedIn?: ReadonlyMap<string, string>;
}

/** Everything a packument of any view is rendered from. */
export interface PackageRecord {
  name: string;
  /** Bumped by every change; `_rev` and cache validity derive from it. */
  revision: number;
  createdAt: Date;
  modifiedAt: Date;
  maintainers: readonly Maintainer[];
  /** Dist-tags as set by publishes and the dist-tag API; each view filters them. */
  distTags: Readonly<Record<string, string>>;
  versions: readonly VersionRecord[];
  /** View → versions admitted there (only admissions whose integrity matches the version's). */
  admissions: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Read through, but the upstream's listing of it has not arrived yet (a tagged version's own
   * event came first): a view that lists unjudged versions must not show it half listed.
   */
  awaitingListing?: boolean;
}

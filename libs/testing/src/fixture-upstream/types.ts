import type { IncomingHttpHeaders } from 'node:http';
import type { KeyObject } from 'node:crypto';

/** One version of a fixture package; everything but `version` has a sensible default. */
export interface FixtureVersionSpec {
  version: string;
  /**
   * Files under `package/` in the tarball. `package.json` is generated from the manifest fields
   * unless given here, so a test can make the tarball disagree with the packument. Default:
   * an `index.js` exporting `name@version`.
   */
  files?: Record<string, string | Buffer>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  /** `time[version]`; now when omitted (e.g. `new Date(Date.now() - 100 * 3_600_000)`). */
  publishedAt?: Date;
  /** Served as `versions[v].deprecated`. */
  deprecated?: string;
  /** Further package.json fields (license, bin, engines, …), in the tarball and the packument. */
  manifest?: Record<string, unknown>;
}

export interface FixturePackageSpec {
  name: string;
  versions: readonly FixtureVersionSpec[];
  /** Merged into the package's tags; `latest` defaults to the highest (stable if any) version. */
  distTags?: Record<string, string>;
}

/** What a version's packument `dist` says right now (changes after `changeBytes`). */
export interface FixtureDist {
  integrity: string;
  shasum: string;
  /** Absolute URL on the fixture. */
  tarball: string;
  /** The bytes the fixture serves for `tarball` (the wrong ones while `serveWrongBytes` is on). */
  bytes: Buffer;
}

export interface FixtureNpmKey {
  expires: string | null;
  keyid: string;
  keytype: 'ecdsa-sha2-nistp256';
  scheme: 'ecdsa-sha2-nistp256';
  /** base64 of the DER SubjectPublicKeyInfo. */
  key: string;
}

export type FixtureRequestKind = 'packument' | 'tarball' | 'keys' | 'other';

/** One request the fixture received, in arrival order. */
export interface FixtureRequest {
  method: string;
  /** Raw request path as sent (`/@scope%2fname`), without the query. */
  path: string;
  /** The query string without `?`, `''` when none. */
  query: string;
  kind: FixtureRequestKind;
  /** Decoded package name for packument and tarball requests. */
  packageName?: string;
  time: Date;
  headers: IncomingHttpHeaders;
  /** Response status; `undefined` while the response is pending (e.g. during `setDelay`). */
  status?: number;
}

export interface FixtureTreeOptions {
  /** Packages in the tree, root included. */
  count: number;
  /** Name prefix (may carry a scope: `@bench/pkg`); packages are `<prefix>-0` (root) … `<prefix>-<count-1>`. Default `tree`. */
  prefix?: string;
  /** Children per package in a k-ary tree; every inner package also depends on the last package, a leaf they share. Default 3. */
  fanOut?: number;
  /** `time[version]` of every package; now when omitted. */
  publishedAt?: Date;
}

export interface FixtureUpstreamOptions {
  /** Loopback port; a free one when omitted. Kept across `stop()`/`start()`. */
  port?: number;
  /** An ECDSA P-256 private key (KeyObject or PEM); a fresh one per instance when omitted. */
  signingKey?: KeyObject | string;
}

export interface FixtureUpstream {
  /** `http://127.0.0.1:<port>/` (trailing slash, as npm wants a registry URL), stable across restarts. */
  readonly url: string;
  readonly port: number;
  readonly running: boolean;
  /** Key id (`SHA256:…`) of the key signing now. */
  readonly keyId: string;
  /** Every request received since start or the last `clearRequests()`, oldest first. */
  readonly requests: readonly FixtureRequest[];

  /** Adds a package, or new versions to an existing one (an existing version is refused). */
  addPackage(spec: FixturePackageSpec): void;
  /** Adds a dependency tree of `count` packages and answers the root's name. */
  addTree(options: FixtureTreeOptions): string;
  /** The `dist` the packument serves now for `name@version`. */
  dist(name: string, version: string): FixtureDist;
  /** The keys `/-/npm/v1/keys` lists (even while signatures are stripped). */
  npmKeys(): FixtureNpmKey[];

  /** Like a mirror that drops them: no `dist.signatures`, `/-/npm/v1/keys` answers 404. */
  stripSignatures(on?: boolean): void;
  /** Serves a signature for `name@version` that does not verify (by a listed key). */
  corruptSignature(name: string, version: string, on?: boolean): void;
  /** Upstream tampering: new tarball bytes, and a packument with their integrity (validly signed). */
  changeBytes(name: string, version: string): FixtureDist;
  /** Serves tarball bytes that do not match the packument's integrity. */
  serveWrongBytes(name: string, version: string, on?: boolean): void;
  removeVersion(name: string, version: string): void;
  removePackage(name: string): void;
  /** A new key signs from now on and is listed instead of the old one; answers its key id. */
  rotateKey(): string;
  /** Delays every response by `ms` (0 = none). */
  setDelay(ms: number): void;

  /** Requests whose decoded path starts with `pathPrefix` (`/@acme/` matches `/@acme%2futil`). */
  requestsFor(pathPrefix: string): FixtureRequest[];
  clearRequests(): void;

  /** Stops listening and drops open connections; packages and the log are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

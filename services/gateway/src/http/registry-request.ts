import type { IncomingHttpHeaders } from 'node:http';

/** Who is calling, from a valid token (or HTTP basic credentials). */
export interface Principal {
  user: string;
  tokenId: string;
  /** A read-only token may not publish or change metadata. */
  readonly: boolean;
  /** Bootstrap/admin tokens may act on every package. */
  admin: boolean;
  /** When set, writes are allowed only to these scopes (`@acme`) or exact package names. */
  allowedPackages?: readonly string[];
}

/** A registry request after the view prefix was taken off. */
export interface RegistryRequest {
  method: string;
  /** True for a HEAD request, which routes answer as the GET it stands for (`method` is then `GET`). */
  head?: boolean;
  /** The configured view the request addressed (`dev`, `staging`, `prod`). */
  view: string;
  /** Path after the view prefix, still percent-encoded, always starting with `/`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** External URL of the registry as the client addressed it, prefix included, no trailing slash. */
  registryUrl: string;
  /** Resolves the caller (null when anonymous); cached per request. */
  principal(): Promise<Principal | null>;
}

/** What a route answers. Bodies are JSON unless `raw` (a Buffer or a stream) is given. */
export interface RegistryReply {
  status: number;
  body?: unknown;
  raw?: Buffer | NodeJS.ReadableStream;
  headers?: Record<string, string>;
}

export type RouteParams = Record<string, string>;

/**
 * One operation of the registry protocol. `pattern` matches `RegistryRequest.path`; its named
 * groups become `params` (still percent-encoded).
 */
export interface RegistryRoute {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly pattern: RegExp;
  handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply>;
}

/** Multi-provider token under which modules contribute their routes. */
export const REGISTRY_ROUTES = Symbol.for('palisade.gateway.registry-routes');

/** Resolves `Authorization` headers to principals; provided by the accounts module. */
export abstract class Authenticator {
  abstract authenticate(authorization: string | undefined, clientIp?: string): Promise<Principal | null>;
}

/**
 * What a package document over the JSON limit may be, judged from its headers: `existing` (a
 * publish or a metadata change by one of its maintainers) or `first-publish` (the name is not
 * taken, so only a publish can succeed).
 */
export type LargeDocumentKind = 'existing' | 'first-publish';

/**
 * Decides, before a large package document is read, whether the caller may send it: throws 403
 * when the package exists and the caller is not one of its maintainers. Provided by the packages
 * module; the routes check everything again once the body is parsed.
 */
export abstract class PackageDocumentAdmission {
  abstract admit(principal: Principal, name: string): Promise<LargeDocumentKind>;
}

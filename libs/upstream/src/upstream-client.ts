import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { PalisadeError, RetryableError } from '@palisade/errors';
import { parseUpstreamKeys, type UpstreamKey } from './upstream-keys';

export const UpstreamErrorCode = {
  Unavailable: 'UPSTREAM_UNAVAILABLE',
  Offline: 'UPSTREAM_OFFLINE',
  BadResponse: 'UPSTREAM_BAD_RESPONSE',
  OffOrigin: 'UPSTREAM_TARBALL_OFF_ORIGIN',
} as const;

/** Full packuments of very popular packages reach tens of MB; anything far beyond is refused. */
const MAX_PACKUMENT_BYTES = 128 * 1024 * 1024;

export type PackumentResponse =
  | { kind: 'ok'; body: Record<string, unknown>; etag?: string }
  | { kind: 'not-modified' }
  | { kind: 'not-found' };

export interface UpstreamClientOptions {
  /** Base URL without a trailing slash. */
  baseUrl: string;
  timeoutMs: number;
  offline?: boolean;
}

/** `@scope/name` as registries expect it in a path: the slash escaped, the `@` kept. */
export function packagePath(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

/**
 * HTTP access to the configured upstream registry: keep-alive connections, one timeout for
 * connect, headers and body gaps. Failures to reach it are `UPSTREAM_UNAVAILABLE` (retryable),
 * so callers can fall back to what is cached; the upstream is never contacted when offline.
 */
export class UpstreamClient {
  readonly #agent: Agent;
  readonly #base: URL;

  constructor(private readonly options: UpstreamClientOptions) {
    this.#base = new URL(`${options.baseUrl}/`);
    this.#agent = new Agent({
      connections: 32,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async packument(name: string, etag?: string): Promise<PackumentResponse> {
    const response = await this.#get(new URL(packagePath(name), this.#base), {
      accept: 'application/json',
      ...(etag ? { 'if-none-match': etag } : {}),
    });
    if (response.statusCode === 304) {
      await response.body.dump();
      return { kind: 'not-modified' };
    }
    if (response.statusCode === 404) {
      await response.body.dump();
      return { kind: 'not-found' };
    }
    await this.#expectOk(response, `packument of ${name}`);
    const body = await this.#json(response, `packument of ${name}`);
    const header = response.headers.etag;
    return { kind: 'ok', body, ...(typeof header === 'string' ? { etag: header } : {}) };
  }

  /** The upstream's signing keys, or null when it publishes none (404). */
  async keys(): Promise<UpstreamKey[] | null> {
    const response = await this.#get(new URL('-/npm/v1/keys', this.#base), { accept: 'application/json' });
    if (response.statusCode === 404) {
      await response.body.dump();
      return null;
    }
    await this.#expectOk(response, 'signing keys');
    try {
      return parseUpstreamKeys(await this.#json(response, 'signing keys'));
    } catch (e: unknown) {
      throw new PalisadeError(UpstreamErrorCode.BadResponse, `the upstream's signing keys are unusable: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * Opens a tarball download. `tarballUrl` comes from upstream metadata, so it is only followed on
   * the upstream's own origin (a packument must not steer Palisade to other hosts).
   */
  async tarball(tarballUrl: string): Promise<Readable> {
    const target = new URL(tarballUrl, this.#base);
    if (target.origin !== this.#base.origin) {
      throw new PalisadeError(UpstreamErrorCode.OffOrigin, `the upstream names a tarball on another origin (${target.origin}); only ${this.#base.origin} is followed`);
    }
    const response = await this.#get(target, { accept: 'application/octet-stream' });
    await this.#expectOk(response, `tarball ${target.pathname}`);
    return response.body;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #get(target: URL, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    if (this.options.offline) throw new PalisadeError(UpstreamErrorCode.Offline, 'the upstream is switched off (PALISADE_UPSTREAM_OFFLINE)');
    try {
      return await request(target, { method: 'GET', headers: { 'user-agent': 'palisade-read-through', ...headers }, dispatcher: this.#agent });
    } catch (e: unknown) {
      throw new RetryableError(UpstreamErrorCode.Unavailable, `the upstream did not answer ${target.pathname}: ${(e as Error).message}`, { cause: e });
    }
  }

  async #expectOk(response: Dispatcher.ResponseData, what: string): Promise<void> {
    if (response.statusCode === 200) return;
    await response.body.dump();
    if (response.statusCode >= 500 || response.statusCode === 429) {
      throw new RetryableError(UpstreamErrorCode.Unavailable, `the upstream answered ${response.statusCode} for the ${what}`);
    }
    throw new PalisadeError(UpstreamErrorCode.BadResponse, `the upstream answered ${response.statusCode} for the ${what}`);
  }

  async #json(response: Dispatcher.ResponseData, what: string): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_PACKUMENT_BYTES) {
          response.body.destroy();
          throw new PalisadeError(UpstreamErrorCode.BadResponse, `the upstream's ${what} is larger than ${MAX_PACKUMENT_BYTES} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (e: unknown) {
      if (e instanceof PalisadeError) throw e;
      throw new RetryableError(UpstreamErrorCode.Unavailable, `reading the upstream's ${what} failed: ${(e as Error).message}`, { cause: e });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e: unknown) {
      throw new PalisadeError(UpstreamErrorCode.BadResponse, `the upstream's ${what} is not JSON`, { cause: e });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new PalisadeError(UpstreamErrorCode.BadResponse, `the upstream's ${what} is not a JSON object`);
    return parsed as Record<string, unknown>;
  }
}

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { abbreviatedPackument, fullPackument, type PackumentContext } from './packument';
import type { PackageStore } from './package-store';
import type { FixtureRequestKind } from './types';

export type Route =
  | { kind: 'keys' }
  | { kind: 'ping' }
  | { kind: 'packument'; name: string }
  | { kind: 'tarball'; name: string; file: string }
  | { kind: 'unknown' };

export interface RouteContext extends PackumentContext {
  store: PackageStore;
}

const ABBREVIATED = 'application/vnd.npm.install-v1+json';

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Maps a raw request path to what it asks for. Scoped names arrive as `@scope%2fname` from npm
 * clients and as `@scope/name` from other tools; tarballs always carry a literal slash.
 */
export function routeOf(rawUrl: string): Route {
  const path = rawUrl.split('?')[0];
  if (path === '/-/npm/v1/keys') return { kind: 'keys' };
  if (path === '/-/ping') return { kind: 'ping' };
  const separator = path.lastIndexOf('/-/');
  if (separator > 0) {
    const name = decode(path.slice(1, separator));
    const file = decode(path.slice(separator + 3));
    return name && file?.endsWith('.tgz') && !file.includes('/') ? { kind: 'tarball', name, file } : { kind: 'unknown' };
  }
  const name = decode(path.slice(1));
  return name && !name.startsWith('-/') ? { kind: 'packument', name } : { kind: 'unknown' };
}

export function logKindOf(route: Route): FixtureRequestKind {
  return route.kind === 'ping' || route.kind === 'unknown' ? 'other' : route.kind;
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('hex')}"`;
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer, headers: Record<string, string>): void {
  const etag = etagOf(body);
  if (status === 200 && notModified(req, etag)) {
    res.writeHead(304, { ...headers, etag });
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, ...(status === 200 ? { etag } : {}), 'content-length': String(body.length) });
  res.end(body);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, contentType = 'application/json', extra: Record<string, string> = {}): void {
  send(req, res, status, Buffer.from(JSON.stringify(value), 'utf8'), { 'content-type': contentType, ...extra });
}

const notFound = (req: IncomingMessage, res: ServerResponse) => sendJson(req, res, 404, { error: 'Not found' });

/** Answers a request the way the public registry's read API does. */
export function respond(route: Route, req: IncomingMessage, res: ServerResponse, ctx: RouteContext): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(req, res, 405, { error: 'Method not allowed' });
    return;
  }
  switch (route.kind) {
    case 'ping':
      sendJson(req, res, 200, {});
      return;
    case 'keys':
      if (ctx.signaturesStripped) notFound(req, res);
      else sendJson(req, res, 200, { keys: [ctx.signer.npmKey()] }, 'application/json', { 'cache-control': 'public, max-age=300' });
      return;
    case 'packument': {
      const pkg = ctx.store.get(route.name);
      if (pkg === undefined) return notFound(req, res);
      const abbreviated = (req.headers.accept ?? '').includes(ABBREVIATED);
      const doc = abbreviated ? abbreviatedPackument(pkg, ctx) : fullPackument(pkg, ctx);
      sendJson(req, res, 200, doc, abbreviated ? ABBREVIATED : 'application/json', { vary: 'Accept', 'cache-control': 'public, max-age=300' });
      return;
    }
    case 'tarball': {
      const stored = [...(ctx.store.get(route.name)?.versions.values() ?? [])].find((v) => v.file === route.file);
      if (stored === undefined) return notFound(req, res);
      send(req, res, 200, stored.wrongBytes ?? stored.tarball, { 'content-type': 'application/octet-stream', 'cache-control': 'public, immutable, max-age=31557600' });
      return;
    }
    case 'unknown':
      notFound(req, res);
  }
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RequestLog } from '../fixture-upstream/request-log';
import type { FixtureRequest } from '../fixture-upstream/types';

/** One locked package of the recorded tree (`tree.json`). */
export interface RecordedPackage {
  name: string;
  version: string;
  integrity: string;
  /** Path of its tarball on the recorded upstream. */
  tarball: string;
}

export interface RecordedTree {
  /** What the recording installed: name → exact version. */
  roots: Record<string, string>;
  /** Every package npm locked for the roots. */
  packages: RecordedPackage[];
}

/** A registry serving a tree recorded by `npm run fixtures:record-real-tree`, packuments whole, tarballs as recorded. */
export interface RecordedUpstream {
  /** Base URL with a trailing slash. */
  url: string;
  tree: RecordedTree;
  requests: readonly FixtureRequest[];
  clearRequests(): void;
  stop(): Promise<void>;
}

/**
 * Serves the recording in `dir` (packuments.json.gz, tree.json, tarballs/) on a free loopback
 * port, with ETags and 304s like a registry; tarball URLs point back at this server. No signing
 * keys are served: the recording keeps whatever signatures its source served (none, here).
 */
export async function startRecordedUpstream(dir: string): Promise<RecordedUpstream> {
  const packuments = JSON.parse(gunzipSync(readFileSync(join(dir, 'packuments.json.gz'))).toString('utf8')) as Record<string, Record<string, unknown>>;
  const tree = JSON.parse(readFileSync(join(dir, 'tree.json'), 'utf8')) as RecordedTree;
  const log = new RequestLog();
  const rendered = new Map<string, { body: Buffer; etag: string }>();
  let base = '';

  const packumentOf = (name: string) => {
    let doc = rendered.get(name);
    if (!doc && packuments[name]) {
      const copy = structuredClone(packuments[name]);
      for (const manifest of Object.values((copy.versions ?? {}) as Record<string, { dist?: { tarball?: string } }>)) {
        if (manifest.dist?.tarball) manifest.dist.tarball = `${base}${manifest.dist.tarball.replace(/^\//, '')}`;
      }
      const body = Buffer.from(JSON.stringify(copy));
      doc = { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
      rendered.set(name, doc);
    }
    return doc;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.endsWith('.tgz')) {
      const entry = log.record(req, 'tarball', decodeURIComponent(path.split('/-/')[0].slice(1)));
      const file = normalize(join(dir, 'tarballs', ...path.split('/').slice(1).map(decodeURIComponent)));
      const bytes = file.startsWith(join(dir, 'tarballs')) ? await readFile(file).catch(() => null) : null;
      entry.status = bytes ? 200 : 404;
      if (!bytes) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }).end(bytes);
    }
    const name = decodeURIComponent(path.slice(1));
    const doc = path.startsWith('/-/') ? undefined : packumentOf(name);
    const entry = log.record(req, path.startsWith('/-/') ? 'other' : 'packument', name);
    if (!doc) {
      entry.status = 404;
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
    if (req.headers['if-none-match'] === doc.etag) {
      entry.status = 304;
      return void res.writeHead(304, { etag: doc.etag }).end();
    }
    entry.status = 200;
    res.writeHead(200, { 'content-type': 'application/json', etag: doc.etag, 'content-length': String(doc.body.length) }).end(doc.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    tree,
    get requests() {
      return log.all();
    },
    clearRequests: () => log.clear(),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerCleanup } from '../cleanup';
import { TestingError } from '../errors';
import { tarballUrl } from './packument';
import { PackageStore } from './package-store';
import { RequestLog } from './request-log';
import { logKindOf, respond, routeOf, type RouteContext } from './routes';
import { FixtureSigner } from './signer';
import { treeSpecs } from './tree';
import type { FixtureDist, FixtureUpstream, FixtureUpstreamOptions } from './types';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * A local npm registry that stands in for the public one in tests and benches: packages are
 * added in code, served with the read protocol and signatures of the public registry, and can
 * be altered, slowed down or taken offline to exercise a read-through cache. Stopped by
 * `runCleanups`.
 */
export async function startFixtureUpstream(options: FixtureUpstreamOptions = {}): Promise<FixtureUpstream> {
  const store = new PackageStore();
  const signer = new FixtureSigner(options.signingKey);
  const log = new RequestLog();
  const pending = new Set<NodeJS.Timeout>();
  let delayMs = 0;
  let signaturesStripped = false;
  let server: Server | undefined;
  let port = options.port ?? 0;
  let baseUrl = '';

  const context = (): RouteContext => ({ store, signer, baseUrl, signaturesStripped });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const route = routeOf(req.url ?? '/');
    const entry = log.record(req, logKindOf(route), route.kind === 'packument' || route.kind === 'tarball' ? route.name : undefined);
    res.once('finish', () => (entry.status = res.statusCode));
    const answer = () => {
      try {
        respond(route, req, res, context());
      } catch (e: unknown) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e) }));
      }
    };
    if (delayMs <= 0) return answer();
    const timer = setTimeout(() => (pending.delete(timer), answer()), delayMs);
    pending.add(timer);
  };

  const start = async (): Promise<void> => {
    if (server !== undefined) return;
    const created = createServer(handle);
    try {
      port = await listen(created, port);
    } catch (e: unknown) {
      throw new TestingError('TESTING_FIXTURE_START_FAILED', `the fixture upstream cannot listen on 127.0.0.1:${port}`, { cause: e });
    }
    server = created;
    baseUrl = `http://127.0.0.1:${port}`;
  };

  const stop = async (): Promise<void> => {
    const running = server;
    if (running === undefined) return;
    server = undefined;
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
    await new Promise<void>((resolve) => {
      running.close(() => resolve());
      // Keep-alive and delayed requests would hold close() open: a down upstream drops them.
      running.closeAllConnections();
    });
  };

  const dist = (name: string, version: string): FixtureDist => {
    const stored = store.version(name, version);
    return { integrity: stored.integrity, shasum: stored.shasum, tarball: tarballUrl(baseUrl, name, stored), bytes: stored.wrongBytes ?? stored.tarball };
  };

  await start();
  registerCleanup(stop);

  return {
    get url() {
      return `${baseUrl}/`;
    },
    get port() {
      return port;
    },
    get running() {
      return server !== undefined;
    },
    get keyId() {
      return signer.keyId;
    },
    get requests() {
      return log.all();
    },
    addPackage: (spec) => store.add(spec),
    addTree: (treeOptions) => {
      const { root, packages } = treeSpecs(treeOptions);
      const taken = packages.find((spec) => store.get(spec.name) !== undefined);
      if (taken !== undefined) throw new TestingError('TESTING_FIXTURE_INVALID', `${taken.name} is already in the fixture: give the tree another prefix`);
      for (const spec of packages) store.add(spec);
      return root;
    },
    dist,
    npmKeys: () => [signer.npmKey()],
    stripSignatures: (on = true) => {
      signaturesStripped = on;
    },
    corruptSignature: (name, version, on = true) => store.corruptSignature(name, version, on),
    changeBytes: (name, version) => {
      store.changeBytes(name, version);
      return dist(name, version);
    },
    serveWrongBytes: (name, version, on = true) => store.serveWrongBytes(name, version, on),
    removeVersion: (name, version) => store.removeVersion(name, version),
    removePackage: (name) => store.removePackage(name),
    rotateKey: () => signer.rotate(),
    setDelay: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new TestingError('TESTING_FIXTURE_INVALID', `a delay is a number of milliseconds >= 0 (got ${ms})`);
      delayMs = ms;
    },
    requestsFor: (pathPrefix) => log.startingWith(pathPrefix),
    clearRequests: () => log.clear(),
    stop,
    start,
  };
}

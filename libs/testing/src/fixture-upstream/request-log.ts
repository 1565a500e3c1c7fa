import type { IncomingMessage } from 'node:http';
import type { FixtureRequest, FixtureRequestKind } from './types';

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Every request the fixture received, so tests can assert what reached "the upstream". */
export class RequestLog {
  private entries: FixtureRequest[] = [];

  record(req: IncomingMessage, kind: FixtureRequestKind, packageName?: string): FixtureRequest {
    const url = req.url ?? '/';
    const at = url.indexOf('?');
    const entry: FixtureRequest = {
      method: req.method ?? 'GET',
      path: at < 0 ? url : url.slice(0, at),
      query: at < 0 ? '' : url.slice(at + 1),
      kind,
      ...(packageName === undefined ? {} : { packageName }),
      time: new Date(),
      headers: { ...req.headers },
    };
    this.entries.push(entry);
    return entry;
  }

  all(): readonly FixtureRequest[] {
    return [...this.entries];
  }

  /** Matched on the decoded path, so `/@acme/` finds `/@acme%2futil` as well as `/@acme/util/-/util-1.0.0.tgz`. */
  startingWith(pathPrefix: string): FixtureRequest[] {
    return this.entries.filter((e) => decoded(e.path).startsWith(pathPrefix));
  }

  clear(): void {
    this.entries = [];
  }
}

import type { Logger } from '@palisade/config';
import { upstreamSettings } from '@palisade/upstream';
import type { GatewaySettings } from '../gateway.config';
import type { IngestClient } from '../packages/application/ingest-client';
import { PackageChanges } from '../packages/cache/package-changes';
import type { PackageReader } from '../packages/store/package-reader';
import type { OnDemandViews } from './on-demand-views';
import { ReadThrough } from './read-through';

// Which names may go upstream at all is pure configuration; the collaborators are never reached.
function readThrough(env: Record<string, unknown>): ReadThrough {
  const settings = upstreamSettings({ PALISADE_UPSTREAM_SIGNATURES: 'if-present', PALISADE_UPSTREAM_TIMEOUT: 1000, PALISADE_UPSTREAM_MAX_AGE: 0, PALISADE_UPSTREAM_OFFLINE: false, ...env });
  const unused = {} as never;
  return new ReadThrough(settings, { entryView: 'dev' } as GatewaySettings, unused as Logger, unused as IngestClient, unused as PackageReader, new PackageChanges(), unused as OnDemandViews);
}

describe('ReadThrough.eligible', () => {
  it('sends unknown names upstream only when an upstream is configured and online, never internal scopes', () => {
    expect(readThrough({ PALISADE_UPSTREAM_URL: 'http://upstream.test' }).eligible('left-pad')).toBe(true);
    expect(readThrough({ PALISADE_UPSTREAM_URL: 'http://upstream.test', PALISADE_INTERNAL_SCOPES: ['@acme'] }).eligible('@acme/ui')).toBe(false);
    expect(readThrough({ PALISADE_UPSTREAM_URL: 'http://upstream.test', PALISADE_INTERNAL_SCOPES: ['@acme'] }).eligible('@other/ui')).toBe(true);
    expect(readThrough({ PALISADE_UPSTREAM_URL: 'http://upstream.test', PALISADE_UPSTREAM_OFFLINE: true }).eligible('left-pad')).toBe(false);
    expect(readThrough({}).eligible('left-pad')).toBe(false);
  });
});

import type { ServiceDefinition } from '@palisade/platform';
import { ingestConfig } from './ingest.config';
import { IngestModule } from './ingest.module';
import { IngestVersions1764200000001 } from './store/versions.migration';
import { IngestVersionsProvenance1766000000100 } from './store/versions-provenance.migration';
import { IngestUpstream1766000001000 } from './store/upstream.migration';
import { IngestReconcileIndex1770000000100 } from './reconcile/store/reconcile-index.migration';
import { IngestUpstreamBacklog1771000000100, IngestUpstreamBacklogTagged1771000000200 } from './store/upstream-backlog.migration';

export const ingestService: ServiceDefinition = {
  name: 'ingest',
  module: IngestModule,
  port: { variable: 'PALISADE_INGEST_PORT', default: 4874 },
  blobStore: true,
  config: ingestConfig,
  migrations: [IngestVersions1764200000001, IngestVersionsProvenance1766000000100, IngestUpstream1766000001000, IngestReconcileIndex1770000000100, IngestUpstreamBacklog1771000000100, IngestUpstreamBacklogTagged1771000000200],
};

import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import { PublishHandler } from './handlers/publish.handler';
import { PublishVersion } from './handlers/publish-version';
import { TarballSource } from './handlers/tarball-source';
import { UnpublishHandler } from './handlers/unpublish.handler';
import { UnpublishVersions } from './handlers/unpublish-versions';
import { CacheUpstreamTarball } from './handlers/cache-upstream-tarball';
import { FetchUpstream } from './handlers/fetch-upstream';
import { UpstreamConnection } from './handlers/upstream-connection';
import { UpstreamHandler } from './handlers/upstream.handler';
import { UpstreamTrust } from './handlers/upstream-trust';
import { JudgeUpstreamVersion } from './application/judge-upstream-version';
import { UpstreamBacklogDrain } from './application/upstream-backlog-drain';
import { HostCpu } from './adapters/host-cpu';
import { INGEST_SETTINGS, ingestSettings } from './ingest.config';
import { UPSTREAM_SETTINGS, upstreamSettings } from '@palisade/upstream';
import { Reconciler } from './reconcile/application/reconciler';
import { ReconcileClock } from './reconcile/handlers/reconcile-clock';
import { ReconcileHandler } from './reconcile/handlers/reconcile.handler';
import { RECONCILE_SETTINGS, reconcileSettings } from './reconcile/reconcile.config';

/** The ingest service: validates published and upstream versions and records them, once and for ever. */
@Module({
  controllers: [PublishHandler, UnpublishHandler, UpstreamHandler, ReconcileHandler],
  providers: [
    PublishVersion,
    UnpublishVersions,
    TarballSource,
    FetchUpstream,
    CacheUpstreamTarball,
    JudgeUpstreamVersion,
    UpstreamBacklogDrain,
    HostCpu,
    UpstreamConnection,
    UpstreamTrust,
    { provide: INGEST_SETTINGS, useFactory: ingestSettings, inject: [SERVICE_CONFIG] },
    { provide: UPSTREAM_SETTINGS, useFactory: upstreamSettings, inject: [SERVICE_CONFIG] },
    { provide: RECONCILE_SETTINGS, useFactory: reconcileSettings, inject: [SERVICE_CONFIG] },
    Reconciler,
    ReconcileClock,
  ],
})
export class IngestModule {}

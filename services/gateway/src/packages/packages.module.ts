import { Module, type Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { PackageDocumentAdmission, type RegistryRoute } from '../http/registry-request';
import { DistTagService } from './application/dist-tag-service';
import { gatewaySettingsProvider } from './application/gateway-settings.provider';
import { IngestClient } from './application/ingest-client';
import { MetadataService } from './application/metadata-service';
import { MaintainerDocumentAdmission } from './application/package-document-admission';
import { PublishService } from './application/publish-service';
import { SearchService } from './application/search-service';
import { UnpublishService } from './application/unpublish-service';
import { PackageChanges } from './cache/package-changes';
import { PackumentCache } from './cache/packument-cache';
import { VersionEventsController } from './handlers/version-events.controller';
import { NpmAttestationsRoute, ProvenanceBundleRoute } from './routes/attestations.routes';
import { DistTagDeleteRoute, DistTagPutRoute, DistTagsGetRoute, DistTagsPostRoute } from './routes/dist-tags.routes';
import { PackageDeleteRoute, TarballDeleteRoute } from './routes/package-delete.route';
import { PackagePutRoute, PackageRevisionPutRoute } from './routes/package-put.route';
import { PackumentRoute } from './routes/packument.route';
import { SearchRoute } from './routes/search.route';
import { TarballRoute } from './routes/tarball.route';
import { VisibilityRoute } from './routes/visibility.route';
import { MetadataWriter } from './store/metadata-writer';
import { PackageReader } from './store/package-reader';
import { PublishClaims } from './store/publish-claims';
import { PublishClaims1766700000000 } from './store/publish-claims.migration';
import { PackageSearch } from './store/package-search';
import { PackagesTables1765000000100 } from './store/packages-tables.migration';
import { PackagesProvenance1766100000100 } from './store/packages-provenance.migration';
import { PackagesUpstream1766300000100 } from './store/packages-upstream.migration';
import { ReadModelWriter } from './store/read-model-writer';
import { SERVICE_CONFIG } from '@palisade/platform';
import { UPSTREAM_SETTINGS, upstreamSettings } from '@palisade/upstream';
import { OnDemandJudgement } from '../upstream/on-demand-judgement';
import { OnDemandViews } from '../upstream/on-demand-views';
import { ReadThrough } from '../upstream/read-through';
import { PackagesListed1771000000300 } from './store/packages-listed.migration';
import { DownloadRecorder } from '../downloads/download-recorder';
import { UpstreamTarballs } from '../upstream/upstream-tarballs';

/** Package routes, most specific patterns first (the router takes the first match). */
export const packageRoutes: Type<RegistryRoute>[] = [
  NpmAttestationsRoute,
  ProvenanceBundleRoute,
  TarballDeleteRoute,
  DistTagsGetRoute,
  DistTagsPostRoute,
  DistTagPutRoute,
  DistTagDeleteRoute,
  VisibilityRoute,
  SearchRoute,
  TarballRoute,
  PackageRevisionPutRoute,
  PackageDeleteRoute,
  PackagePutRoute,
  PackumentRoute,
];

export const packageMigrations: Array<new () => MigrationInterface> = [PackagesTables1765000000100, PackagesProvenance1766100000100, PackagesUpstream1766300000100, PublishClaims1766700000000, PackagesListed1771000000300];
// Raw SQL over the migrated tables; no TypeORM entities.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const packageEntities: Function[] = [];

/**
 * Packages: the per-view read model fed by version events, packuments and tarballs, publish,
 * and the metadata writes (deprecate, owners, dist-tags, unpublish).
 */
@Module({
  imports: [AccountsModule],
  controllers: [VersionEventsController],
  providers: [
    gatewaySettingsProvider,
    PackageChanges,
    PackumentCache,
    PackageReader,
    PackageSearch,
    ReadModelWriter,
    MetadataWriter,
    PublishClaims,
    IngestClient,
    PublishService,
    MetadataService,
    UnpublishService,
    DistTagService,
    SearchService,
    ReadThrough,
    OnDemandViews,
    OnDemandJudgement,
    UpstreamTarballs,
    DownloadRecorder,
    { provide: PackageDocumentAdmission, useClass: MaintainerDocumentAdmission },
    { provide: UPSTREAM_SETTINGS, useFactory: upstreamSettings, inject: [SERVICE_CONFIG] },
    ...packageRoutes,
  ],
  exports: [PackageChanges, PackageReader, PackageDocumentAdmission, ...packageRoutes],
})
export class PackagesModule {}

import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import { PublishHandler } from './handlers/publish.handler';
import { PublishVersion } from './handlers/publish-version';
import { TarballSource } from './handlers/tarball-source';
import { UnpublishHandler } from './handlers/unpublish.handler';
import { UnpublishVersions } from './handlers/unpublish-versions';
import { INGEST_SETTINGS, ingestSettings } from './ingest.config';

/** The ingest service: validates published tarballs and records versions, once and for ever. */
@Module({
  controllers: [PublishHandler, UnpublishHandler],
  providers: [PublishVersion, UnpublishVersions, TarballSource, { provide: INGEST_SETTINGS, useFactory: ingestSettings, inject: [SERVICE_CONFIG] }],
})
export class IngestModule {}

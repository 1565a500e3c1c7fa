import { Module } from '@nestjs/common';

/** The ingest service: publishes and upstream fetches: validate, store the tarball, record the version. */
@Module({})
export class IngestModule {}

import { Module } from '@nestjs/common';

/** The recall service: advisories and manual recalls: quarantine, blast radius, rollback suggestions, alerts. */
@Module({})
export class RecallModule {}

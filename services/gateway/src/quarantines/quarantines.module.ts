import { Module } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { PackagesModule } from '../packages/packages.module';
import { QuarantineEventsController } from './handlers/quarantine-events.controller';
import { QuarantineStore } from './store/quarantine-store';
import { GatewayQuarantines1766600000000 } from './store/quarantines-tables.migration';

export const quarantineMigrations: Array<new () => MigrationInterface> = [GatewayQuarantines1766600000000];

/** Recall quarantines, fed by the recall service; the package reader applies them view by view. */
@Module({
  imports: [PackagesModule],
  controllers: [QuarantineEventsController],
  providers: [QuarantineStore],
})
export class QuarantinesModule {}

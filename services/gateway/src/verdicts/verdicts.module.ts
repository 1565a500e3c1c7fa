import { Module } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { PackagesModule } from '../packages/packages.module';
import { VerdictEventsController } from './handlers/verdict-events.controller';
import { VerdictStore } from './store/verdict-store';
import { GatewayVerdicts1766400000000 } from './store/verdicts-tables.migration';

export const verdictMigrations: Array<new () => MigrationInterface> = [GatewayVerdicts1766400000000];

/** Scan verdicts, fed by the scanning service; the package reader applies them to every view. */
@Module({
  imports: [PackagesModule],
  controllers: [VerdictEventsController],
  providers: [VerdictStore],
})
export class VerdictsModule {}

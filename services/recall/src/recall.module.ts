import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import { AutomaticCases } from './application/automatic-cases';
import { CasePlaybook } from './application/case-playbook';
import { CaseReader } from './application/case-reader';
import { Deployments } from './application/deployments';
import { EnforcementTracker } from './application/enforcement-tracker';
import { ManualRecalls } from './application/manual-recalls';
import { OverrideService } from './application/override-service';
import { PolicyClient } from './application/policy-client';
import { WaiverClock } from './application/waiver-clock';
import { AlertLogModule } from './application/alert-log.module';
import { CatalogueEventsHandler } from './handlers/catalogue-events.handler';
import { RecallCommandsHandler } from './handlers/recall-commands.handler';
import { RecallEventsHandler } from './handlers/recall-events.handler';
import { TriggerEventsHandler } from './handlers/trigger-events.handler';
import { RECALL_SETTINGS, recallSettings } from './recall.config';

/** The recall service: advisories and manual recalls: quarantine, blast radius, rollback suggestions, alerts. */
@Module({
  imports: [AlertLogModule],
  controllers: [CatalogueEventsHandler, TriggerEventsHandler, RecallEventsHandler, RecallCommandsHandler],
  providers: [
    { provide: RECALL_SETTINGS, useFactory: recallSettings, inject: [SERVICE_CONFIG] },
    PolicyClient,
    CasePlaybook,
    CaseReader,
    AutomaticCases,
    EnforcementTracker,
    OverrideService,
    ManualRecalls,
    Deployments,
    WaiverClock,
  ],
})
export class RecallModule {}

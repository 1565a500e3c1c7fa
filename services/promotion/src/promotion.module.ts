import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import { AdmissionEngine } from './application/admission-engine';
import { PolicyCommands } from './application/policy-commands';
import { PolicyService } from './application/policy-service';
import { PromotionRequests } from './application/promotion-requests';
import { ReevaluationClock } from './application/reevaluation-clock';
import { StatusService } from './application/status-service';
import { PromotionCommandsHandler } from './handlers/promotion-commands.handler';
import { QuarantineEventsHandler } from './handlers/quarantine-events.handler';
import { VersionEventsHandler } from './handlers/version-events.handler';
import { PROMOTION_SETTINGS, promotionSettings } from './promotion.config';
import { PromotionReconcileController } from './reconcile/reconcile.controller';

/** The promotion service: views, versioned policies, approvals, admission of versions to views, recall quarantines. */
@Module({
  controllers: [VersionEventsHandler, QuarantineEventsHandler, PromotionCommandsHandler, PromotionReconcileController],
  providers: [
    { provide: PROMOTION_SETTINGS, useFactory: promotionSettings, inject: [SERVICE_CONFIG] },
    PolicyService,
    AdmissionEngine,
    PromotionRequests,
    StatusService,
    PolicyCommands,
    ReevaluationClock,
  ],
})
export class PromotionModule {}

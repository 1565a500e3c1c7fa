import { Module } from '@nestjs/common';
import { AccountsModule, accountRoutes } from './accounts/accounts.module';
import { AttestationsModule, attestationRoutes } from './attestations/attestations.module';
import { AuditModule, auditRoutes } from './audit/audit.module';
import { DeadLettersModule, deadLetterRoutes } from './dead-letters/dead-letters.module';
import { PingRoute } from './http/ping.route';
import { REGISTRY_ROUTES, type RegistryRoute } from './http/registry-request';
import { RegistryRouter } from './http/registry-router';
import { PackagesModule, packageRoutes } from './packages/packages.module';
import { PromotionsModule, promotionRoutes } from './promotions/promotions.module';
import { QuarantinesModule } from './quarantines/quarantines.module';
import { RecallsModule, recallRoutes } from './recalls/recalls.module';
import { ReconcileModule, reconcileRoutes } from './reconcile/reconcile.module';
import { SignaturesModule, signatureRoutes } from './signatures/signatures.module';
import { VerdictsModule } from './verdicts/verdicts.module';

/** The gateway: the npm registry protocol over accounts and the per-view package read models. */
@Module({
  imports: [AccountsModule, PackagesModule, SignaturesModule, AttestationsModule, AuditModule, VerdictsModule, PromotionsModule, QuarantinesModule, RecallsModule, ReconcileModule, DeadLettersModule],
  providers: [
    RegistryRouter,
    PingRoute,
    {
      provide: REGISTRY_ROUTES,
      useFactory: (...routes: RegistryRoute[]) => routes,
      // `/-/...` routes before the package routes, whose name patterns would match them too.
      inject: [PingRoute, ...accountRoutes, ...signatureRoutes, ...attestationRoutes, ...promotionRoutes, ...recallRoutes, ...reconcileRoutes, ...deadLetterRoutes, ...auditRoutes, ...packageRoutes],
    },
  ],
})
export class GatewayModule {}

import { Module, type Type } from '@nestjs/common';
import type { RegistryRoute } from '../http/registry-request';
import { GatewayReconcileController } from './reconcile.controller';
import { ReconcileRoute } from './reconcile.route';

export const reconcileRoutes: Type<RegistryRoute>[] = [ReconcileRoute];

/** Reconciliation: the read model's part of it, and the admin route that runs one. */
@Module({
  controllers: [GatewayReconcileController],
  providers: [...reconcileRoutes],
  exports: [...reconcileRoutes],
})
export class ReconcileModule {}

import { Module, type Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { RegistryRoute } from '../http/registry-request';
import { PackagesModule } from '../packages/packages.module';
import { PromotionClient } from './promotion-client';
import { ApproveRoute } from './routes/approve.route';
import { PolicyApplyRoute, PolicyShowRoute } from './routes/policy.routes';
import { PromoteRoute } from './routes/promote.route';
import { PromotionStatusRoute } from './routes/promotion-status.route';
import { ViewDismissals1766500000000 } from './store/view-dismissals.migration';
import { ViewDismissalsByName1771000000200 } from './store/view-dismissals-by-name.migration';

export const promotionRoutes: Type<RegistryRoute>[] = [PromoteRoute, ApproveRoute, PromotionStatusRoute, PolicyShowRoute, PolicyApplyRoute];

/** The read model's record of dismissals (applied by the packages read model). */
export const promotionMigrations: Array<new () => MigrationInterface> = [ViewDismissals1766500000000, ViewDismissalsByName1771000000200];

/** The promotion API under `/-/palisade/v1/`, forwarded to the promotion service. */
@Module({
  imports: [PackagesModule],
  providers: [PromotionClient, ...promotionRoutes],
  exports: [...promotionRoutes],
})
export class PromotionsModule {}

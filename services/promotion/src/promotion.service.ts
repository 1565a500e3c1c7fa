import type { ServiceDefinition } from '@palisade/platform';
import { promotionConfig } from './promotion.config';
import { PromotionModule } from './promotion.module';
import { Admissions1765200000000 } from './store/admissions.migration';
import { PromotionTables1766200000000 } from './store/promotion-tables.migration';
import { Quarantines1767300000000 } from './store/quarantines.migration';

export const promotionService: ServiceDefinition = {
  name: 'promotion',
  module: PromotionModule,
  port: { variable: 'PALISADE_PROMOTION_PORT', default: 4877 },
  config: promotionConfig,
  migrations: [Admissions1765200000000, PromotionTables1766200000000, Quarantines1767300000000],
};

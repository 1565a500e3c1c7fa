import { viewsConfig, type ServiceDefinition } from '@palisade/platform';
import { PromotionModule } from './promotion.module';
import { Admissions1765200000000 } from './store/admissions.migration';

export const promotionService: ServiceDefinition = {
  name: 'promotion',
  module: PromotionModule,
  port: { variable: 'PALISADE_PROMOTION_PORT', default: 4877 },
  config: viewsConfig,
  migrations: [Admissions1765200000000],
};

import type { ServiceDefinition } from '@palisade/platform';
import { PromotionModule } from './promotion.module';

export const promotionService: ServiceDefinition = {
  name: 'promotion',
  module: PromotionModule,
  port: { variable: 'PALISADE_PROMOTION_PORT', default: 4877 },
};

export { promotionService } from './promotion.service';

import { runService } from '@palisade/platform';
import { promotionService } from './promotion.service';

runService(promotionService);

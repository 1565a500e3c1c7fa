import { runService } from '@palisade/platform';
import { gatewayService } from './gateway.service';

runService(gatewayService);

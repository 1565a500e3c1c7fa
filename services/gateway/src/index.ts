export { gatewayService } from './gateway.service';

import type { ServiceDefinition } from '@palisade/platform';
import { GatewayModule } from './gateway.module';

export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  module: GatewayModule,
  port: { variable: 'PALISADE_PORT', default: 4873 },
};

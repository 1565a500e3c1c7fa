import type { ServiceDefinition } from '@palisade/platform';
import { SigningModule } from './signing.module';

export const signingService: ServiceDefinition = {
  name: 'signing',
  module: SigningModule,
  port: { variable: 'PALISADE_SIGNING_PORT', default: 4876 },
};

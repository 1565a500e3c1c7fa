import type { ServiceDefinition } from '@palisade/platform';
import { signingConfig } from './signing.config';
import { SigningModule } from './signing.module';
import { SigningTransparencyLog1766000000110 } from './store/log-tables.migration';
import { SigningTables1766000000100 } from './store/signing-tables.migration';

export const signingService: ServiceDefinition = {
  name: 'signing',
  module: SigningModule,
  port: { variable: 'PALISADE_SIGNING_PORT', default: 4876 },
  config: signingConfig,
  migrations: [SigningTables1766000000100, SigningTransparencyLog1766000000110],
};

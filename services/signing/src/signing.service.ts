import type { ServiceDefinition } from '@palisade/platform';
import { signingConfig, standaloneSigningConfig } from './signing.config';
import { SigningModule } from './signing.module';
import { SigningLogNodes1766000000120 } from './store/log-nodes.migration';
import { SigningLogHead1766000000130 } from './store/log-head.migration';
import { SigningTransparencyLog1766000000110 } from './store/log-tables.migration';
import { SigningTables1766000000100 } from './store/signing-tables.migration';

export const signingService: ServiceDefinition = {
  name: 'signing',
  module: SigningModule,
  port: { variable: 'PALISADE_SIGNING_PORT', default: 4876 },
  config: signingConfig,
  migrations: [SigningTables1766000000100, SigningTransparencyLog1766000000110, SigningLogNodes1766000000120, SigningLogHead1766000000130],
};

/** The signing service as its own process (`services/signing/dist/main.js`): refuses to start without an external KEK. */
export const standaloneSigningService: ServiceDefinition = { ...signingService, config: standaloneSigningConfig };

import type { ServiceDefinition } from '@palisade/platform';
import { ScanningModule } from './scanning.module';

export const scanningService: ServiceDefinition = {
  name: 'scanning',
  module: ScanningModule,
  port: { variable: 'PALISADE_SCANNING_PORT', default: 4875 },
};

import type { ServiceDefinition } from '@palisade/platform';
import { scanningConfig } from './scanning.config';
import { ScanningModule } from './scanning.module';
import { ScanningTables1766100000000 } from './store/scanning-tables.migration';

export const scanningService: ServiceDefinition = {
  name: 'scanning',
  module: ScanningModule,
  port: { variable: 'PALISADE_SCANNING_PORT', default: 4875 },
  blobStore: true,
  config: scanningConfig,
  migrations: [ScanningTables1766100000000],
};

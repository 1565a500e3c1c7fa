import type { ServiceDefinition } from '@palisade/platform';
import { IngestModule } from './ingest.module';

export const ingestService: ServiceDefinition = {
  name: 'ingest',
  module: IngestModule,
  port: { variable: 'PALISADE_INGEST_PORT', default: 4874 },
};

import type { ServiceDefinition } from '@palisade/platform';
import { RecallModule } from './recall.module';

export const recallService: ServiceDefinition = {
  name: 'recall',
  module: RecallModule,
  port: { variable: 'PALISADE_RECALL_PORT', default: 4878 },
};

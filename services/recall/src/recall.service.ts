import type { ServiceDefinition } from '@palisade/platform';
import { recallConfig } from './recall.config';
import { RecallModule } from './recall.module';
import { RecallTables1767000000000 } from './store/recall-tables.migration';
import { AlertLog1768100000000 } from './store/alert-log.migration';
import { RecallRetentionIndexes1769000000100 } from './store/retention-indexes.migration';
import { recallRetentionRules } from './recall-retention';

export const recallService: ServiceDefinition = {
  name: 'recall',
  module: RecallModule,
  port: { variable: 'PALISADE_RECALL_PORT', default: 4878 },
  config: recallConfig,
  migrations: [RecallTables1767000000000, AlertLog1768100000000, RecallRetentionIndexes1769000000100],
  retention: recallRetentionRules,
};

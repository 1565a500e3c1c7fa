import { Module, type Type } from '@nestjs/common';
import type { RegistryRoute } from '../http/registry-request';
import { GzipRequestBodies } from './gzip-request-bodies';
import { BulkAdvisoriesRoute } from './routes/bulk-advisories.route';
import { QuickAuditRoute } from './routes/quick-audit.route';
import { ScanningClient } from './scanning-client';

export const auditRoutes: Type<RegistryRoute>[] = [BulkAdvisoriesRoute, QuickAuditRoute];

/** npm's audit endpoints, answered from the scanning service's advisory database, under every view. */
@Module({
  providers: [ScanningClient, GzipRequestBodies, ...auditRoutes],
  exports: [...auditRoutes],
})
export class AuditModule {}

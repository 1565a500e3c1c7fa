import { Module, type Type } from '@nestjs/common';
import type { RegistryRoute } from '../http/registry-request';
import { BulkAdvisoriesRoute } from './routes/bulk-advisories.route';
import { QuickAuditRoute } from './routes/quick-audit.route';
import { ScanningClient } from './scanning-client';

export const auditRoutes: Type<RegistryRoute>[] = [BulkAdvisoriesRoute, QuickAuditRoute];

/**
 * npm's audit endpoints, answered from the scanning service's advisory database, under every view.
 * npm sends their bodies gzip-compressed; the router inflates them (and only them) within the limit
 * (http/request-bodies.ts).
 */
@Module({
  providers: [ScanningClient, ...auditRoutes],
  exports: [...auditRoutes],
})
export class AuditModule {}

import { Module } from '@nestjs/common';
import { packageHeuristicsProvider } from './adapters/package-heuristics';
import { AdvisoryImporter } from './application/advisory-importer';
import { Rejudge } from './application/rejudge';
import { VersionScanner } from './application/version-scanner';
import { AuditCommandController } from './handlers/audit-command.controller';
import { ScanningAdminController } from './handlers/scanning-admin.controller';
import { VersionEventsController } from './handlers/version-events.controller';
import { AdvisorySyncJob } from './jobs/advisory-sync.job';
import { ScanningReconcileController } from './reconcile/reconcile.controller';

/** The scanning service: OSV advisories, vulnerability matching, risk scores, malware heuristics, verdicts. */
@Module({
  controllers: [VersionEventsController, AuditCommandController, ScanningAdminController, ScanningReconcileController],
  providers: [packageHeuristicsProvider, VersionScanner, Rejudge, AdvisoryImporter, AdvisorySyncJob],
})
export class ScanningModule {}

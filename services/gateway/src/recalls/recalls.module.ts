import { Module, type Type } from '@nestjs/common';
import type { RegistryRoute } from '../http/registry-request';
import { gatewaySettingsProvider } from '../packages/application/gateway-settings.provider';
import { PackagesModule } from '../packages/packages.module';
import { RecallAccess } from './recall-access';
import { RecallClient } from './recall-client';
import { AlertsRoute } from './routes/alerts.route';
import { DeploymentReportRoute } from './routes/deployments.route';
import { ApproveOverrideRoute, CloseRecallRoute, ListRecallsRoute, OpenRecallRoute, RequestOverrideRoute, ShowRecallRoute } from './routes/recalls.routes';

export const recallRoutes: Type<RegistryRoute>[] = [
  OpenRecallRoute,
  ListRecallsRoute,
  ShowRecallRoute,
  RequestOverrideRoute,
  ApproveOverrideRoute,
  CloseRecallRoute,
  DeploymentReportRoute,
  AlertsRoute,
];

/** The recall API under `/-/palisade/v1/` (recalls, deployments, alerts), forwarded to the recall service. */
@Module({
  imports: [PackagesModule],
  providers: [gatewaySettingsProvider, RecallClient, RecallAccess, ...recallRoutes],
  exports: [...recallRoutes],
})
export class RecallsModule {}

import type { ServiceDefinition } from '@palisade/platform';
import { gatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { publishBodyLimit } from './http/request-bodies';
import { accountEntities, accountMigrations } from './accounts/accounts.module';
import { packageEntities, packageMigrations } from './packages/packages.module';
import { signatureMigrations } from './signatures/signatures.module';
import { promotionMigrations } from './promotions/promotions.module';
import { verdictMigrations } from './verdicts/verdicts.module';
import { quarantineMigrations } from './quarantines/quarantines.module';

export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  module: GatewayModule,
  port: { variable: 'PALISADE_PORT', default: 4873 },
  blobStore: true,
  migrations: [...accountMigrations, ...packageMigrations, ...signatureMigrations, ...verdictMigrations, ...promotionMigrations, ...quarantineMigrations],
  entities: [...accountEntities, ...packageEntities],
  config: gatewayConfig,
  // The largest body any route takes (a publish); each route's own, smaller limit is enforced by the router.
  http: { bodyLimit: (config) => publishBodyLimit(config.PALISADE_MAX_TARBALL_BYTES as number) },
};

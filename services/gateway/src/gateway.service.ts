import type { ServiceDefinition } from '@palisade/platform';
import { gatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
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
  // A publish carries its tarball base64-encoded in JSON (4/3 of its size) plus the manifest.
  http: { bodyLimit: (config) => Math.ceil((config.PALISADE_MAX_TARBALL_BYTES as number) * 1.4) + 1024 * 1024 },
};

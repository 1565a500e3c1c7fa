import { Module, type Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { RegistryRoute } from '../http/registry-request';
import { PackagesModule } from '../packages/packages.module';
import { SigningEventsController } from './handlers/signing-events.controller';
import { KeysRoute } from './routes/keys.route';
import { SignatureStore } from './store/signature-store';
import { SignaturesTables1766000000200 } from './store/signatures-tables.migration';

export const signatureRoutes: Type<RegistryRoute>[] = [KeysRoute];
export const signatureMigrations: Array<new () => MigrationInterface> = [SignaturesTables1766000000200];

/** Registry signatures and keys, fed by the signing service; packuments carry `dist.signatures`. */
@Module({
  imports: [PackagesModule],
  controllers: [SigningEventsController],
  providers: [SignatureStore, ...signatureRoutes],
  exports: [...signatureRoutes],
})
export class SignaturesModule {}

import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from '@palisade/config';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG } from '@palisade/platform';
import { KeysAdminController } from './admin/keys-admin.controller';
import { AttestationStore } from './attestations/attestation-store';
import { Attester } from './attestations/attester';
import { generatedKekWarning, loadKeyEncryptionKey } from './keys/kek-source';
import { KEY_PROVIDER, type KeyProvider } from './keys/key-provider';
import { KeyRingService } from './keys/key-ring.service';
import { LocalKeyProvider } from './keys/local-key-provider';
import { LogCommandsController } from './log/log-commands.controller';
import { TransparencyLog } from './log/transparency-log';
import { VersionEventsController } from './signatures/version-events.controller';
import { VersionSigner } from './signatures/version-signer';
import { SigningReconcileController } from './reconcile/reconcile.controller';
import { signingSettings } from './signing.config';

/** The local key provider, its KEK from configuration, a KEK file, or (embedded only) the data folder. */
export const localKeyProvider = {
  provide: KEY_PROVIDER,
  inject: [DATA_SOURCE, SERVICE_CONFIG, LOGGER],
  useFactory: async (dataSource: DataSource, config: Readonly<Record<string, unknown>>, logger: Logger): Promise<KeyProvider> => {
    const settings = signingSettings(config);
    const { kek, source, path } = await loadKeyEncryptionKey(settings.kek, settings.dataDir, settings.kekFile);
    if (source === 'file' && path) logger.warn({ path }, generatedKekWarning(path));
    return new LocalKeyProvider(dataSource, kek);
  },
};

/** The signing service: registry keys, npm-compatible registry signatures, attestations and the transparency log. */
@Module({
  controllers: [VersionEventsController, KeysAdminController, LogCommandsController, SigningReconcileController],
  providers: [localKeyProvider, KeyRingService, TransparencyLog, VersionSigner, Attester, AttestationStore],
})
export class SigningModule {}

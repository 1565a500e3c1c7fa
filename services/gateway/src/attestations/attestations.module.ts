import { Module, type Type } from '@nestjs/common';
import type { RegistryRoute } from '../http/registry-request';
import { AttestationsRoute } from './routes/attestations.route';
import { LogCheckpointRoute } from './routes/log-checkpoint.route';
import { LogConsistencyRoute } from './routes/log-consistency.route';
import { LogEntryRoute } from './routes/log-entry.route';
import { SigningClient } from './signing-client';

export const attestationRoutes: Type<RegistryRoute>[] = [AttestationsRoute, LogCheckpointRoute, LogConsistencyRoute, LogEntryRoute];

/** Palisade's attestations and transparency log under `/-/palisade/v1/`, read from the signing service. */
@Module({
  providers: [SigningClient, ...attestationRoutes],
  exports: [...attestationRoutes],
})
export class AttestationsModule {}

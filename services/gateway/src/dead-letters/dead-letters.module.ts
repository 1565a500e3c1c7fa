import { Module, type Type } from '@nestjs/common';
import type { RegistryRoute } from '../http/registry-request';
import { ListDeadLettersRoute, RedriveDeadLettersRoute, ShowDeadLetterRoute } from './routes/dead-letters.routes';

export const deadLetterRoutes: Type<RegistryRoute>[] = [ListDeadLettersRoute, RedriveDeadLettersRoute, ShowDeadLetterRoute];

/** The dead-letter API under `/-/palisade/v1/dead-letters` (administrators), on the bus's dead-letter port. */
@Module({
  providers: [...deadLetterRoutes],
  exports: [...deadLetterRoutes],
})
export class DeadLettersModule {}

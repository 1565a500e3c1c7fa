import { runService } from '@palisade/platform';
import { standaloneSigningService } from './signing.service';

// On its own (distributed mode, a container): an external key-encryption key is required (exit 78 without one).
runService(standaloneSigningService);

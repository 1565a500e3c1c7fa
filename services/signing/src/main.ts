import { runService } from '@palisade/platform';
import { signingService } from './signing.service';

runService(signingService);

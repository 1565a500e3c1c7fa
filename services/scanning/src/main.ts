import { runService } from '@palisade/platform';
import { scanningService } from './scanning.service';

runService(scanningService);

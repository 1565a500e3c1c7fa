import { runService } from '@palisade/platform';
import { recallService } from './recall.service';

runService(recallService);

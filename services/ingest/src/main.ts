import { runService } from '@palisade/platform';
import { ingestService } from './ingest.service';

runService(ingestService);

export { ingestService } from './ingest.service';

export { recallService } from './recall.service';

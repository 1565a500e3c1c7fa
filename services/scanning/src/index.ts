export { scanningService } from './scanning.service';

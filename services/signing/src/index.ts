export { signingService } from './signing.service';

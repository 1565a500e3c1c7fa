import { runSupervised } from '../run-supervised';
import type { SupervisorOptions, SupervisedService } from '../supervisor';

// `start:distributed` with injected children: argv[2] is JSON `{ services, options }`.
const { services, options } = JSON.parse(process.argv[2]) as { services: SupervisedService[]; options: SupervisorOptions };
runSupervised(services, options);

import { resolve } from 'node:path';
import { SERVICE_NAMES } from '@palisade/platform';
import { runSupervised } from './supervisor/run-supervised';

// `npm run start:distributed`: every service as its own process on this host, against the NATS,
// PostgreSQL and object store the environment names (see README, "Configuration"), each restarted
// with backoff when it crashes (README, "Operations"). In production each runs in its own
// container or pod instead, restarted by the orchestrator; this is the same thing on one machine.
runSupervised(
  SERVICE_NAMES.map((name) => ({
    name,
    command: process.execPath,
    args: [resolve(__dirname, `../../../services/${name}/dist/main.js`)],
  })),
);

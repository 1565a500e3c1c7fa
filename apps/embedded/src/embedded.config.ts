import { commonConfig, extendConfig, int } from '@palisade/config';
import { blobConfigShape } from '@palisade/platform';

/** Settings of the one-process mode on top of the common ones; the services read theirs too. */
export const embeddedConfig = extendConfig(commonConfig, {
  // The services that keep tarballs read the same variable: one definition, one default.
  PALISADE_DATA_DIR: blobConfigShape.PALISADE_DATA_DIR,
  PALISADE_EMBEDDED_POSTGRES_PORT: {
    schema: int({ min: 0, max: 65535 }).default(0),
    description: 'Loopback port of the embedded PostgreSQL (`npm start`); 0 picks a free port at each start.',
  },
});

import { commonConfig, extendConfig, int, str } from '@palisade/config';

/** Settings of the one-process mode on top of the common ones; the services read theirs too. */
export const embeddedConfig = extendConfig(commonConfig, {
  PALISADE_DATA_DIR: {
    schema: str().default('./.palisade'),
    description: 'Folder for local data: the filesystem blob store (`blobs/`) and, in embedded mode, the PostgreSQL data.',
  },
  PALISADE_EMBEDDED_POSTGRES_PORT: {
    schema: int({ min: 0, max: 65535 }).default(0),
    description: 'Loopback port of the embedded PostgreSQL (`npm start`); 0 picks a free port at each start.',
  },
});

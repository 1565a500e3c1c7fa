import { PalisadeError } from '@palisade/errors';

export type TestingErrorCode =
  | 'TESTING_WAIT_TIMEOUT'
  | 'TESTING_PROCESS_EXITED'
  | 'TESTING_NATS_BINARY_MISSING'
  | 'TESTING_NATS_START_FAILED'
  | 'TESTING_POSTGRES_BINARIES_MISSING'
  | 'TESTING_POSTGRES_START_FAILED'
  | 'TESTING_CLEANUP_FAILED'
  | 'TESTING_FIXTURE_START_FAILED'
  | 'TESTING_FIXTURE_INVALID'
  | 'TESTING_FIXTURE_UNKNOWN';

/** Every failure of a test helper, with a code the test output can be searched for. */
export class TestingError extends PalisadeError<TestingErrorCode> {}

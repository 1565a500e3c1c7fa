import { PalisadeError } from '@palisade/errors';

export const CliErrorCode = {
  /** Unknown option or missing value: exit 2. */
  Usage: 'CLI_USAGE',
  /** The lockfile is missing or not a v2/v3 package-lock.json. */
  Lockfile: 'CLI_LOCKFILE',
  /** The registry could not be reached or answered something unreadable. */
  Registry: 'CLI_REGISTRY',
  /** No registry URL or token could be found (flags, environment, .npmrc). */
  Config: 'CLI_CONFIG',
  /** The registry refused the request (policy, permissions): exit 1. */
  Refused: 'CLI_REFUSED',
} as const;

export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** A failure that stops the command before any verdict (as opposed to a package that fails verification). */
export class CliError extends PalisadeError<CliErrorCode> {}

import { PalisadeError } from '@palisade/errors';

export const HeuristicsErrorCode = {
  /** The tarball is not gzip+tar or is truncated. */
  Unreadable: 'HEURISTICS_TARBALL_UNREADABLE',
  /** More files or more unpacked bytes than the limits passed to `readPackageFiles`. */
  TooLarge: 'HEURISTICS_TARBALL_TOO_LARGE',
} as const;

export type HeuristicsErrorCode = (typeof HeuristicsErrorCode)[keyof typeof HeuristicsErrorCode];

export class HeuristicsError extends PalisadeError<HeuristicsErrorCode> {}

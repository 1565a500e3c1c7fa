export { parseLockfile, MAX_LOCKFILE_BYTES } from './parse-lockfile';
export { LockfileError } from './errors';
export type { LockfileErrorCode } from './errors';
export type { LockfileFormat, LockedPackage, ParsedLockfile, LockfileHint } from './types';

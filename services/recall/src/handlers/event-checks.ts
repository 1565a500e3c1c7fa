import { PermanentError } from '@palisade/errors';
import { RecallErrorCode } from '../domain/recall-error';

/** An event without the identity the service needs can never be applied: dead-letter it at once. */
export function requireFields(what: string, fields: Record<string, string>): void {
  const missing = Object.entries(fields)
    .filter(([, value]) => !value)
    .map(([field]) => field);
  if (missing.length > 0) {
    throw new PermanentError(RecallErrorCode.EventInvalid, `${what}: ${missing.join(', ')} required (got ${JSON.stringify(fields)})`);
  }
}

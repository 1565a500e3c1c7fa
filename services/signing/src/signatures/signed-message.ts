import * as ssri from 'ssri';
import { PermanentError } from '@palisade/errors';

/**
 * What npm verifies: `<name>@<version>:<integrity>`, with the integrity as pacote re-stringifies
 * it. Only a single canonical sha512 value is accepted, so what is signed is what is served.
 */
export function signedMessage(name: string, version: string, integrity: string): string {
  const parsed = ssri.parse(integrity);
  const hashes = Object.values(parsed).flat();
  if (hashes.length !== 1 || hashes[0].algorithm !== 'sha512' || parsed.toString() !== integrity) {
    throw new PermanentError('SIGNING_EVENT_INVALID', `${name}@${version}: integrity ${JSON.stringify(integrity)} is not one canonical sha512 value`);
  }
  return `${name}@${version}:${integrity}`;
}

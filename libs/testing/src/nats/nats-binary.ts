import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TestingError } from '../errors';

const DEBIAN_PATH = '/usr/sbin/nats-server';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds nats-server: `NATS_SERVER_BIN` wins (and must exist), then PATH, then Debian's location
 * (/usr/sbin is often missing from a non-root PATH). No npm package ships the binary.
 */
export function resolveNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.NATS_SERVER_BIN;
  if (explicit !== undefined && explicit !== '') {
    if (isExecutable(explicit)) return explicit;
    throw new TestingError('TESTING_NATS_BINARY_MISSING', `NATS_SERVER_BIN=${explicit} is not an executable file`);
  }
  const candidates = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'nats-server'));
  const found = [...candidates, DEBIAN_PATH].find(isExecutable);
  if (found !== undefined) return found;
  throw new TestingError(
    'TESTING_NATS_BINARY_MISSING',
    'nats-server not found (set NATS_SERVER_BIN, or install it: apt-get install -y nats-server)',
  );
}

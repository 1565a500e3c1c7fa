import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SigningError } from '../signing-error';
import { KeyEncryptionKey } from './key-encryption';

export const KEK_FILE = 'signing.kek';

/**
 * The KEK: configured (`PALISADE_SIGNING_KEK`), read from a file the operator keeps outside the
 * data folder (`PALISADE_SIGNING_KEK_FILE`), or (for `npm start` on one machine) the one in
 * `<dataDir>/signing.kek`, generated there with mode 0600 on first use. A KEK file readable by
 * others is refused.
 */
export async function loadKeyEncryptionKey(
  configured: string | undefined,
  dataDir: string,
  kekFile?: string,
): Promise<{ kek: KeyEncryptionKey; source: 'config' | 'kek-file' | 'file'; path?: string }> {
  if (configured !== undefined) return { kek: KeyEncryptionKey.fromBase64(configured), source: 'config' };
  if (kekFile !== undefined) {
    const path = resolve(kekFile);
    await assertPrivate(path);
    return { kek: KeyEncryptionKey.fromBase64(await readFile(path, 'utf8')), source: 'kek-file', path };
  }
  const path = join(resolve(dataDir), KEK_FILE);
  await mkdir(resolve(dataDir), { recursive: true });
  if (!(await exists(path))) {
    // Written aside then linked into place: link fails when another replica got there first, and
    // nobody ever reads a half-written file.
    const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
    await writeFile(temp, `${KeyEncryptionKey.generate().toBase64()}\n`, { mode: 0o600, flag: 'wx' });
    try {
      await link(temp, path);
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temp);
    }
  }
  await assertPrivate(path);
  return { kek: KeyEncryptionKey.fromBase64(await readFile(path, 'utf8')), source: 'file', path };
}

/** The one line the signing service logs at WARN when it seals keys with the KEK in its data folder. */
export function generatedKekWarning(path: string): string {
  return (
    `the key-encryption key is kept in ${path}, next to the keys it protects: anyone with a copy of the data folder can unseal the registry signing keys. ` +
    `Supply it from outside the data folder: PALISADE_SIGNING_KEK=<base64 of 32 random bytes> (e.g. from a secret manager) or PALISADE_SIGNING_KEK_FILE=<path of a 0600 file elsewhere>; ` +
    `to keep the existing keys, move the contents of this file there`
  );
}

async function assertPrivate(path: string): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SigningError('SIGNING_KEK_FILE_UNSAFE', `${path} is readable by other users (mode ${mode.toString(8)}); chmod 600 it`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

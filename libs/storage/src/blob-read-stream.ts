import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { keyToHex } from './integrity';
import { StorageError, StorageErrorCode, toStorageError } from './storage-error';

/**
 * Wraps a backend's read stream so its failures surface as `StorageError`s and, with `verify`,
 * the bytes are re-hashed against the key. Destroying the returned stream releases the backend's
 * file handle or connection.
 */
export function blobReadStream(source: Readable, key: string, verify: boolean): Readable {
  const expectedHex = keyToHex(key);
  const hash = verify ? createHash('sha512') : null;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash?.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      if (hash && hash.digest('hex') !== expectedHex) {
        callback(new StorageError(StorageErrorCode.IntegrityMismatch, `stored bytes of ${key} do not match their key`));
        return;
      }
      callback();
    },
  });
  source.on('error', (e: unknown) => {
    out.destroy(toStorageError(e, StorageErrorCode.BackendFailed, `reading ${key} failed`));
  });
  out.on('close', () => source.destroy());
  source.pipe(out);
  return out;
}

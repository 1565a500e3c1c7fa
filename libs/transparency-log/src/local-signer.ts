import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import type { CheckpointSigner } from './checkpoint';

/** A `CheckpointSigner` over a private key held in this process (tests, the local key provider). */
export function createKeyObjectSigner(keyName: string, privateKey: KeyObject): CheckpointSigner {
  const publicKey = createPublicKey(privateKey);
  return {
    keyName,
    publicKey,
    sign: async (message) => sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }),
  };
}

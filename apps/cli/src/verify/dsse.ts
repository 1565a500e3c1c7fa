import { verify, type KeyObject } from 'node:crypto';

/** A DSSE envelope as Palisade's attestations carry it. */
export interface DsseEnvelope {
  payloadType: string;
  /** Base64 of the payload bytes. */
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

/** DSSE v1 pre-authentication encoding: what is signed, so the payload type cannot be swapped. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** An ECDSA P-256 (DER) signature over the PAE of the envelope's payload. */
export function verifyDsseSignature(envelope: DsseEnvelope, sig: string, publicKey: KeyObject): boolean {
  try {
    const pae = preAuthEncoding(envelope.payloadType, Buffer.from(envelope.payload, 'base64'));
    return verify('sha256', pae, { key: publicKey, dsaEncoding: 'der' }, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

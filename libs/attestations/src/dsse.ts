import { sign, verify, type KeyObject } from 'node:crypto';
import { AttestationError } from './attestation-error';

/** The payload type of an in-toto statement in a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseSignature {
  readonly keyid: string;
  /** Standard base64 of a DER ECDSA P-256 signature over SHA-256 of the PAE. */
  readonly sig: string;
}

/** A DSSE envelope (github.com/secure-systems-lab/dsse, envelope.md). */
export interface DsseEnvelope {
  readonly payloadType: string;
  /** Standard base64 of the payload bytes. */
  readonly payload: string;
  readonly signatures: readonly DsseSignature[];
}

/**
 * DSSE v1 pre-authentication encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`,
 * lengths as ASCII decimal byte counts. Signing this, not the bare payload, binds the type.
 */
export function pae(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'utf8'), type, Buffer.from(` ${body.length} `, 'utf8'), body]);
}

/** Signs `payload` with one key; `signer` returns DER ECDSA-SHA256 over the bytes it is given (a KeyProvider). */
export async function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  keyid: string,
  signer: (data: Buffer) => Promise<Buffer>,
): Promise<DsseEnvelope> {
  const sig = await signer(pae(payloadType, payload));
  return { payloadType, payload: Buffer.from(payload).toString('base64'), signatures: [{ keyid, sig: sig.toString('base64') }] };
}

/** A signer over a private key in this process (tests, tools). */
export function keyObjectSigner(privateKey: KeyObject): (data: Buffer) => Promise<Buffer> {
  return async (data) => sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
}

/**
 * The envelope's bytes in the transparency log: its three fields in this order, no whitespace.
 * Built field by field so a verifier that parsed the envelope gets the same bytes back.
 */
export function envelopeLogEntry(envelope: DsseEnvelope): Buffer {
  return Buffer.from(
    JSON.stringify({
      payloadType: envelope.payloadType,
      payload: envelope.payload,
      signatures: envelope.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })),
    }),
    'utf8',
  );
}

/**
 * Checks that a signature by a known key verifies over the PAE and answers the payload bytes and the
 * key id that signed. `keys` maps key ids (`SHA256:...`) to public keys; signatures by unknown keys
 * are skipped, a failing one by a known key rejects the envelope.
 */
export function verifyEnvelope(envelope: unknown, keys: ReadonlyMap<string, KeyObject>): { payload: Buffer; payloadType: string; keyid: string } {
  const env = asEnvelope(envelope);
  const payload = Buffer.from(env.payload, 'base64');
  if (payload.toString('base64') !== env.payload) throw new AttestationError('ATTESTATION_MALFORMED', 'DSSE payload is not canonical base64');
  const message = pae(env.payloadType, payload);
  const known = env.signatures.filter((s) => keys.has(s.keyid));
  if (known.length === 0) {
    throw new AttestationError(
      'ATTESTATION_UNKNOWN_KEY',
      `DSSE envelope is signed by ${env.signatures.map((s) => s.keyid).join(', ') || 'no key'}, none of them a registry key`,
    );
  }
  for (const s of known) {
    if (!verifiesWith(keys.get(s.keyid) as KeyObject, message, s.sig)) {
      throw new AttestationError('ATTESTATION_SIGNATURE_INVALID', `DSSE signature by ${s.keyid} does not verify`);
    }
  }
  return { payload, payloadType: env.payloadType, keyid: known[0].keyid };
}

function verifiesWith(key: KeyObject, message: Buffer, sig: string): boolean {
  try {
    return verify('sha256', message, { key, dsaEncoding: 'der' }, Buffer.from(sig, 'base64'));
  } catch {
    // OpenSSL throws on some malformed DER instead of answering false.
    return false;
  }
}

function asEnvelope(value: unknown): DsseEnvelope {
  const malformed = (why: string): never => {
    throw new AttestationError('ATTESTATION_MALFORMED', `not a DSSE envelope: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return malformed('not an object');
  const { payloadType, payload, signatures } = value as Record<string, unknown>;
  if (typeof payloadType !== 'string' || typeof payload !== 'string') return malformed('payloadType and payload must be strings');
  if (!Array.isArray(signatures) || signatures.length === 0) return malformed('no signatures');
  const sigs = signatures.map((s: unknown) => {
    const { keyid, sig } = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    if (typeof keyid !== 'string' || typeof sig !== 'string') return malformed('a signature needs keyid and sig strings');
    return { keyid, sig };
  });
  return { payloadType, payload, signatures: sigs };
}

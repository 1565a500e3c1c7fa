import { generateKeyPairSync, verify } from 'node:crypto';
import { isPalisadeError } from '@palisade/errors';
import { envelopeLogEntry, keyObjectSigner, pae, signEnvelope, verifyEnvelope } from './dsse';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e: unknown) {
    return isPalisadeError(e) ? e.code : 'NOT_PALISADE';
  }
  return undefined;
};

describe('DSSE', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys = new Map([['SHA256:k', publicKey]]);

  it('encodes PAE as the DSSE protocol example does', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    // Lengths count bytes, not characters.
    expect(pae('t', Buffer.from('é', 'utf8')).toString('utf8')).toBe('DSSEv1 1 t 2 é');
  });

  it('signs the PAE (not the bare payload) with a DER ECDSA signature', async () => {
    const payload = Buffer.from('{"a":1}');
    const envelope = await signEnvelope('application/vnd.in-toto+json', payload, 'SHA256:k', keyObjectSigner(privateKey));
    expect(envelope.payload).toBe(payload.toString('base64'));
    const sig = Buffer.from(envelope.signatures[0].sig, 'base64');
    expect(verify('sha256', pae('application/vnd.in-toto+json', payload), { key: publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
    expect(verify('sha256', payload, { key: publicKey, dsaEncoding: 'der' }, sig)).toBe(false);
    expect(verifyEnvelope(envelope, keys)).toEqual({ payload, payloadType: 'application/vnd.in-toto+json', keyid: 'SHA256:k' });
  });

  it('rejects a changed payload, a changed type, an unknown key and a wrong key', async () => {
    const envelope = await signEnvelope('application/vnd.in-toto+json', Buffer.from('{"a":1}'), 'SHA256:k', keyObjectSigner(privateKey));
    expect(codeOf(() => verifyEnvelope({ ...envelope, payload: Buffer.from('{"a":2}').toString('base64') }, keys))).toBe('ATTESTATION_SIGNATURE_INVALID');
    expect(codeOf(() => verifyEnvelope({ ...envelope, payloadType: 'text/plain' }, keys))).toBe('ATTESTATION_SIGNATURE_INVALID');
    expect(codeOf(() => verifyEnvelope(envelope, new Map([['SHA256:other', publicKey]])))).toBe('ATTESTATION_UNKNOWN_KEY');
    expect(codeOf(() => verifyEnvelope(envelope, new Map([['SHA256:k', other.publicKey]])))).toBe('ATTESTATION_SIGNATURE_INVALID');
    expect(codeOf(() => verifyEnvelope({ payloadType: 'x', payload: 'e30=', signatures: [] }, keys))).toBe('ATTESTATION_MALFORMED');
    expect(codeOf(() => verifyEnvelope('nope', keys))).toBe('ATTESTATION_MALFORMED');
  });

  it('logs the envelope as its three fields in a fixed order, whatever order the object had', async () => {
    const envelope = await signEnvelope('t', Buffer.from('x'), 'SHA256:k', keyObjectSigner(privateKey));
    const reordered = { signatures: [{ sig: envelope.signatures[0].sig, keyid: 'SHA256:k' }], payload: envelope.payload, payloadType: 't' };
    expect(envelopeLogEntry(reordered).equals(envelopeLogEntry(envelope))).toBe(true);
    expect(envelopeLogEntry(envelope).toString()).toBe(`{"payloadType":"t","payload":"eA==","signatures":[{"keyid":"SHA256:k","sig":"${envelope.signatures[0].sig}"}]}`);
  });
});

import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ROOTS } from './__fixtures__/rfc6962-vectors';
import {
  type Checkpoint,
  type CheckpointSigner,
  checkpointKeyId,
  checkpointVerifierKey,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint';
import { createKeyObjectSigner } from './local-signer';
import { TlogErrorCode, isTransparencyLogError } from './tlog-error';

const ORIGIN = 'palisade.test/log';
const checkpoint: Checkpoint = { origin: ORIGIN, treeSize: 8, rootHash: ROOTS[7].toString('base64') };
const newKey = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const key = newKey();
const signer = createKeyObjectSigner(ORIGIN, key);
const publicKey = createPublicKey(key);

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (e: unknown) {
    return isTransparencyLogError(e) ? e.code : `not a tlog error: ${String(e)}`;
  }
}

describe('signed checkpoints', () => {
  it('are written in the c2sp.org/tlog-checkpoint layout and verify', async () => {
    const note = await signCheckpoint(checkpoint, signer);
    const [body, signatureLine] = note.split('\n\n');
    expect(body).toBe(`${ORIGIN}\n8\n${ROOTS[7].toString('base64')}`);
    expect(signatureLine).toMatch(new RegExp(`^\u2014 ${ORIGIN.replace('.', '\\.')} [A-Za-z0-9+/]+=*\n$`));
    const encoded = Buffer.from(signatureLine.trim().split(' ')[2], 'base64');
    expect(encoded.subarray(0, 4)).toEqual(checkpointKeyId(publicKey));
    expect(verifyCheckpoint(note, publicKey, ORIGIN)).toEqual(checkpoint);
    expect(parseCheckpoint(note)).toMatchObject({ checkpoint, extensions: [], body: `${body}\n` });
  });

  it('sign the empty tree too', async () => {
    const empty = { origin: ORIGIN, treeSize: 0, rootHash: createHash('sha256').digest('base64') };
    expect(verifyCheckpoint(await signCheckpoint(empty, signer), publicKey, ORIGIN)).toEqual(empty);
  });

  it('derive the key ID from the DER public key, and publish a Go-style verifier key', () => {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const keyId = createHash('sha256').update(der).digest().subarray(0, 4);
    expect(checkpointKeyId(publicKey)).toEqual(keyId);
    expect(checkpointKeyId(key)).toEqual(keyId);
    // Split like Go's strings.SplitN(key, "+", 3): the base64 part may itself hold '+'.
    const [name, hash, ...rest] = checkpointVerifierKey(ORIGIN, publicKey).split('+');
    const encoded = rest.join('+');
    expect([name, hash]).toEqual([ORIGIN, keyId.toString('hex')]);
    const bytes = Buffer.from(encoded, 'base64');
    expect(bytes[0]).toBe(0x02);
    expect(bytes.subarray(1)).toEqual(der);
  });

  it('detect any edit of the signed text', async () => {
    const note = await signCheckpoint(checkpoint, signer);
    const otherRoot = ROOTS[6].toString('base64');
    const edits = [
      note.replace('\n8\n', '\n9\n'),
      note.replace(checkpoint.rootHash, otherRoot),
      note.replace(ORIGIN + '\n', 'palisade.test/other\n'),
      note.replace(`${checkpoint.rootHash}\n`, `${checkpoint.rootHash}\nextension\n`),
    ];
    for (const edited of edits) {
      expect(edited).not.toBe(note);
      expect(await codeOf(() => verifyCheckpoint(edited, publicKey, ORIGIN))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
    }
  });

  it('detect a changed signature, another key, another key name', async () => {
    const note = await signCheckpoint(checkpoint, signer);
    const line = note.split('\n\n')[1].trim();
    const bytes = Buffer.from(line.split(' ')[2], 'base64');
    bytes[bytes.length - 1] ^= 1;
    const flipped = note.replace(line, `\u2014 ${ORIGIN} ${bytes.toString('base64')}`);
    expect(await codeOf(() => verifyCheckpoint(flipped, publicKey, ORIGIN))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
    expect(await codeOf(() => verifyCheckpoint(note, createPublicKey(newKey()), ORIGIN))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
    expect(await codeOf(() => verifyCheckpoint(note, publicKey, 'palisade.test/other'))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
  });

  it('ignore lines by unknown keys, but reject a bad line by the trusted key', async () => {
    const note = await signCheckpoint(checkpoint, signer);
    const witness = `\u2014 witness.example/w1 ${Buffer.alloc(68, 7).toString('base64')}\n`;
    expect(verifyCheckpoint(`${note}${witness}`, publicKey, ORIGIN)).toEqual(checkpoint);
    // A forged line under our name and key ID next to the genuine one rejects the whole note.
    const forged = `\u2014 ${ORIGIN} ${Buffer.concat([checkpointKeyId(publicKey), Buffer.alloc(70, 1)]).toString('base64')}\n`;
    expect(await codeOf(() => verifyCheckpoint(`${note}${forged}`, publicKey, ORIGIN))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
    // Signed by another key under our name: key IDs differ, so the line is not ours.
    const stranger = await signCheckpoint(checkpoint, createKeyObjectSigner(ORIGIN, newKey()));
    expect(await codeOf(() => verifyCheckpoint(stranger, publicKey, ORIGIN))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
  });

  it.each([
    ['fewer than three lines', `${ORIGIN}\n8\n`],
    ['a size with a leading zero', `${ORIGIN}\n08\n${checkpoint.rootHash}\n`],
    ['a negative size', `${ORIGIN}\n-1\n${checkpoint.rootHash}\n`],
    ['a size past 2^53', `${ORIGIN}\n9007199254740993\n${checkpoint.rootHash}\n`],
    ['a root of 31 bytes', `${ORIGIN}\n8\n${Buffer.alloc(31).toString('base64')}\n`],
    ['a hex root', `${ORIGIN}\n8\n${ROOTS[7].toString('hex')}\n`],
    ['an empty origin', `\n8\n${checkpoint.rootHash}\n`],
  ])('refuse a body with %s', async (_, body) => {
    const note = `${body}\n\u2014 ${ORIGIN} ${Buffer.alloc(70, 1).toString('base64')}\n`;
    expect(await codeOf(() => parseCheckpoint(note))).toBe(TlogErrorCode.CheckpointMalformed);
    expect(await codeOf(() => verifyCheckpoint(note, publicKey, ORIGIN))).toBe(TlogErrorCode.CheckpointMalformed);
  });

  it('keep extension lines apart from the checkpoint', () => {
    const note = `${ORIGIN}\n8\n${checkpoint.rootHash}\nx-ext 1\n\n\u2014 ${ORIGIN} ${Buffer.alloc(70, 1).toString('base64')}\n`;
    expect(parseCheckpoint(note)).toMatchObject({ checkpoint, extensions: ['x-ext 1'] });
  });

  it('refuse to sign what cannot be written, and signers whose output does not verify', async () => {
    expect(await codeOf(() => signCheckpoint({ ...checkpoint, origin: 'a\nb' }, signer))).toBe(TlogErrorCode.CheckpointMalformed);
    expect(await codeOf(() => signCheckpoint({ ...checkpoint, treeSize: -1 }, signer))).toBe(TlogErrorCode.CheckpointMalformed);
    expect(await codeOf(() => signCheckpoint({ ...checkpoint, rootHash: 'abc' }, signer))).toBe(TlogErrorCode.CheckpointMalformed);
    expect(await codeOf(() => signCheckpoint(checkpoint, { ...signer, keyName: 'has space' }))).toBe(TlogErrorCode.CheckpointMalformed);
    // A KMS answering in IEEE P1363 (r || s) instead of DER must be caught before it is published.
    const p1363: CheckpointSigner = { ...signer, sign: async (m) => sign('sha256', m, { key, dsaEncoding: 'ieee-p1363' }) };
    expect(await codeOf(() => signCheckpoint(checkpoint, p1363))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
    const mismatched: CheckpointSigner = { ...signer, publicKey: createPublicKey(newKey()) };
    expect(await codeOf(() => signCheckpoint(checkpoint, mismatched))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
  });

  it('accept only ECDSA P-256 keys', async () => {
    const ed = generateKeyPairSync('ed25519').publicKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    const note = await signCheckpoint(checkpoint, signer);
    expect(await codeOf(() => verifyCheckpoint(note, ed, ORIGIN))).toBe(TlogErrorCode.InvalidInput);
    expect(await codeOf(() => verifyCheckpoint(note, p384, ORIGIN))).toBe(TlogErrorCode.InvalidInput);
    expect(await codeOf(() => checkpointKeyId(ed))).toBe(TlogErrorCode.InvalidInput);
  });
});

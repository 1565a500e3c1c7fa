import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Strict } from './base64';
import { HASH_SIZE } from './hashing';
import { type NoteSignature, formatSignedNote, hasControlCharacter, isValidKeyName, parseSignedNote } from './signed-note';
import { TlogErrorCode, TransparencyLogError } from './tlog-error';

/** A tree head as c2sp.org/tlog-checkpoint writes it. */
export interface Checkpoint {
  /** The log's identity, e.g. `palisade.example/log`; the signing key name should match it. */
  readonly origin: string;
  readonly treeSize: number;
  /** Standard base64 of the 32-byte RFC 6962 root. */
  readonly rootHash: string;
}

export interface ParsedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** Opaque lines after the root; this log writes none, other logs may. */
  readonly extensions: readonly string[];
  /** The exact signed bytes' text (`<origin>\n<size>\n<root>\n[extensions]`). */
  readonly body: string;
  readonly signatures: readonly NoteSignature[];
}

/**
 * The signing seam. `sign` returns an ASN.1 DER ECDSA P-256 signature over SHA-256 of the message
 * (what Node's `crypto.sign('sha256', ...)` and KMS "ECDSA_SHA_256" produce). `publicKey` gives the
 * note key ID and lets `signCheckpoint` refuse a signer whose output does not verify.
 */
export interface CheckpointSigner {
  readonly keyName: string;
  readonly publicKey: KeyObject;
  sign(message: Buffer): Promise<Buffer>;
}

const SIZE_LINE = /^(0|[1-9][0-9]*)$/;
// Signature type 0x02 of c2sp.org/signed-note: ECDSA as in transparency-dev/witness and Rekor.
const ECDSA_SIGNATURE_TYPE = 0x02;

const malformed = (why: string): never => {
  throw new TransparencyLogError(TlogErrorCode.CheckpointMalformed, `malformed checkpoint: ${why}`);
};

/** `<origin>\n<size>\n<base64 root>\n`, after checking the fields can be written unambiguously. */
export function formatCheckpointBody(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash } = checkpoint;
  if (origin.length === 0 || hasControlCharacter(origin, false)) malformed('origin must be a non-empty single line');
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) malformed(`tree size ${treeSize} is not a non-negative integer`);
  decodeRootHash(rootHash);
  return `${origin}\n${treeSize}\n${rootHash}\n`;
}

/** Decodes a checkpoint's root; throws TLOG_CHECKPOINT_MALFORMED unless it is canonical base64 of 32 bytes. */
export function decodeRootHash(rootHash: string): Buffer {
  const root = decodeBase64Strict(rootHash);
  if (!root || root.length !== HASH_SIZE) return malformed('root hash is not base64 of 32 bytes');
  return root;
}

/** Parses a signed checkpoint without verifying it: for display and routing, never for trust. */
export function parseCheckpoint(text: string | Uint8Array): ParsedCheckpoint {
  const note = parseSignedNote(text);
  const lines = note.text.slice(0, -1).split('\n');
  if (lines.length < 3) malformed('fewer than three lines');
  const [origin, size, rootHash, ...extensions] = lines;
  if (origin.length === 0) malformed('empty origin');
  if (!SIZE_LINE.test(size) || !Number.isSafeInteger(Number(size))) malformed(`tree size ${JSON.stringify(size)} is not a decimal integer`);
  decodeRootHash(rootHash);
  if (extensions.some((line) => line.length === 0)) malformed('empty extension line');
  return {
    checkpoint: { origin, treeSize: Number(size), rootHash },
    extensions,
    body: note.text,
    signatures: note.signatures,
  };
}

/** Signs the checkpoint with one signature line by `signer` and returns the note text. */
export async function signCheckpoint(checkpoint: Checkpoint, signer: CheckpointSigner): Promise<string> {
  if (!isValidKeyName(signer.keyName)) malformed(`invalid key name ${JSON.stringify(signer.keyName)}`);
  const publicKey = assertP256(signer.publicKey);
  const body = formatCheckpointBody(checkpoint);
  const message = Buffer.from(body, 'utf8');
  const signature = await signer.sign(message);
  if (!verifiesWith(publicKey, message, signature)) {
    throw new TransparencyLogError(
      TlogErrorCode.CheckpointSignatureInvalid,
      `signer ${signer.keyName} produced a signature its public key rejects (wrong key, or not DER-encoded)`,
    );
  }
  return formatSignedNote(body, [{ keyName: signer.keyName, keyId: checkpointKeyId(publicKey), signature }]);
}

/**
 * Returns the checkpoint once a signature by (keyName, publicKey) verifies. As c2sp.org/signed-note
 * requires, lines by other keys (witnesses, a rotated-out key) are ignored, and a failing line by this
 * key rejects the whole note.
 */
export function verifyCheckpoint(text: string | Uint8Array, publicKey: KeyObject, keyName: string): Checkpoint {
  const key = assertP256(publicKey);
  const parsed = parseCheckpoint(text);
  const keyId = checkpointKeyId(key);
  const ours = parsed.signatures.filter((s) => s.keyName === keyName && s.keyId.equals(keyId));
  const invalid = (why: string): never => {
    throw new TransparencyLogError(TlogErrorCode.CheckpointSignatureInvalid, `checkpoint of ${parsed.checkpoint.origin}: ${why}`);
  };
  if (ours.length === 0) invalid(`no signature by key ${keyName}`);
  const message = Buffer.from(parsed.body, 'utf8');
  if (!ours.every((s) => verifiesWith(key, message, s.signature))) invalid(`signature by key ${keyName} does not verify`);
  return parsed.checkpoint;
}

/** The note key ID for an ECDSA key: SHA-256 of its DER SubjectPublicKeyInfo, first 4 bytes. */
export function checkpointKeyId(publicKey: KeyObject): Buffer {
  const der = assertP256(publicKey).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest().subarray(0, 4);
}

/**
 * The verifier key string `<name>+<hex key ID>+base64(0x02 || SPKI DER)` that Go note verifiers
 * (transparency-dev/formats `note.NewVerifier`) accept, to publish beside the checkpoint endpoint.
 */
export function checkpointVerifierKey(keyName: string, publicKey: KeyObject): string {
  if (!isValidKeyName(keyName)) malformed(`invalid key name ${JSON.stringify(keyName)}`);
  const der = assertP256(publicKey).export({ type: 'spki', format: 'der' });
  const encoded = Buffer.concat([Buffer.from([ECDSA_SIGNATURE_TYPE]), der]).toString('base64');
  return `${keyName}+${checkpointKeyId(publicKey).toString('hex')}+${encoded}`;
}

function verifiesWith(publicKey: KeyObject, message: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    // OpenSSL throws on some malformed DER instead of answering false.
    return false;
  }
}

/** Accepts a public key, or a private one whose public half is taken; anything but P-256 is refused. */
function assertP256(key: KeyObject): KeyObject {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TransparencyLogError(TlogErrorCode.InvalidInput, 'checkpoint keys must be ECDSA P-256');
  }
  return publicKey;
}

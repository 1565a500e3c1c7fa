import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  checkpointKeyId,
  leafHash,
  parseCheckpoint,
  verifyInclusionReceipt,
  type Checkpoint,
  type InclusionReceipt,
} from '@palisade/transparency-log';
import { AttestationError } from './attestation-error';
import { IN_TOTO_PAYLOAD_TYPE, envelopeLogEntry, verifyEnvelope, type DsseEnvelope } from './dsse';
import { npmPurl, parseStatement, sha512HexOf, type Statement } from './statement';

/** Origin of Palisade's checkpoints, and the signed-note key name they are signed under. */
export const LOG_ORIGIN = 'palisade';
export const LOG_KEY_NAME = 'palisade';

/** One element of `attestations[]` at `/-/palisade/v1/attestations/<name>@<version>`. */
export interface ServedAttestation {
  readonly predicateType: string;
  readonly envelope: DsseEnvelope;
  readonly logEntry: InclusionReceipt;
}

/** A key as `/-/npm/v1/keys` lists it. */
export interface ListedKey {
  readonly keyid: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  readonly key: string;
  readonly expires: string | null;
}

/** The version an attestation should be about: its tarball's `integrity` is one `sha512-` value. */
export interface AttestedVersion {
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
}

export interface VerifiedAttestation {
  readonly statement: Statement;
  /** The registry key that signed the envelope. */
  readonly keyid: string;
  /** The checkpoint the inclusion proof leads to (keep it to check later checkpoints extend it). */
  readonly checkpoint: Checkpoint;
}

/**
 * Verifies a Palisade attestation of `name@version` whose tarball has `integrity`, with the keys
 * from `/-/npm/v1/keys`: the DSSE signature by a registry key that is not revoked, an in-toto
 * statement of the served predicate type whose subject is this version's purl and sha512, and the
 * envelope's inclusion in Palisade's log under a checkpoint signed by a registry key. Throws an
 * AttestationError saying which check failed.
 */
export function verifyPalisadeAttestation(
  attestation: ServedAttestation,
  version: AttestedVersion,
  keys: readonly ListedKey[],
): VerifiedAttestation {
  return verifyAttestation(attestation, version, trustedKeys(keys), { origin: LOG_ORIGIN });
}

/**
 * The checks of `verifyPalisadeAttestation` against keys the caller already chose (`trusted`, by key
 * id); the checkpoint's log origin is checked only when `origin` is given.
 */
export function verifyAttestation(
  attestation: ServedAttestation,
  version: AttestedVersion,
  trusted: ReadonlyMap<string, KeyObject>,
  options: { origin?: string } = {},
): VerifiedAttestation {
  const what = `${attestation.predicateType} attestation of ${version.name}@${version.version}`;
  const { payload, payloadType, keyid } = verifyEnvelope(attestation.envelope, trusted);
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new AttestationError('ATTESTATION_MALFORMED', `${what}: payload type ${payloadType} is not ${IN_TOTO_PAYLOAD_TYPE}`);
  const statement = parseStatement(payload);
  if (statement.predicateType !== attestation.predicateType) {
    throw new AttestationError('ATTESTATION_MALFORMED', `${what}: the signed statement's predicate type is ${statement.predicateType}`);
  }
  const purl = npmPurl(version.name, version.version);
  const expected = sha512HexOf(version.integrity);
  const subject = statement.subject.find((s) => s.name === purl);
  if (!subject) {
    const signed = statement.subject.map((s) => s.name).join(', ');
    throw new AttestationError('ATTESTATION_SUBJECT_MISMATCH', `${what}: its subject names ${signed}, not ${purl}`, {
      mismatch: { field: 'purl', expected: purl, signed },
    });
  }
  if (subject.digest.sha512 !== expected) {
    const signed = subject.digest.sha512 ?? '(none)';
    throw new AttestationError(
      'ATTESTATION_SUBJECT_MISMATCH',
      `${what}: subject digest sha512:${signed} does not match the tarball's integrity ${version.integrity} (sha512:${expected})`,
      { mismatch: { field: 'sha512', expected, signed } },
    );
  }
  const checkpoint = verifyInclusion(attestation, trusted, what, options.origin);
  return { statement, keyid, checkpoint };
}

function verifyInclusion(attestation: ServedAttestation, trusted: ReadonlyMap<string, KeyObject>, what: string, origin: string | undefined): Checkpoint {
  const fail = (why: string, cause?: unknown): never => {
    throw new AttestationError('ATTESTATION_LOG_INCLUSION_INVALID', `${what}: ${why}`, { cause });
  };
  try {
    const receipt = attestation.logEntry;
    if (typeof receipt !== 'object' || receipt === null || typeof receipt.checkpoint !== 'string') return fail('no inclusion receipt');
    const lines = parseCheckpoint(receipt.checkpoint).signatures.filter((s) => s.keyName === LOG_KEY_NAME);
    // Any trusted key may have signed the checkpoint, not only the envelope's (after a rotation).
    const signer = [...trusted.values()].find((key) => lines.some((line) => line.keyId.equals(checkpointKeyId(key))));
    if (!signer) return fail(`its checkpoint is not signed by a registry key under the name ${LOG_KEY_NAME}`);
    const checkpoint = verifyInclusionReceipt(leafHash(envelopeLogEntry(attestation.envelope)), receipt, signer, LOG_KEY_NAME);
    if (origin !== undefined && checkpoint.origin !== origin) return fail(`its checkpoint is from log ${checkpoint.origin}, not ${origin}`);
    return checkpoint;
  } catch (e: unknown) {
    if (e instanceof AttestationError) throw e;
    return fail(`not included in the transparency log: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

/** Keys by id, without revoked ones (npm serves a revoked key with an expiry before 1970). */
function trustedKeys(keys: readonly ListedKey[]): Map<string, KeyObject> {
  const trusted = new Map<string, KeyObject>();
  for (const k of keys) {
    if (k.expires !== null && Date.parse(k.expires) < 0) continue;
    trusted.set(k.keyid, createPublicKey({ key: Buffer.from(k.key, 'base64'), format: 'der', type: 'spki' }));
  }
  return trusted;
}

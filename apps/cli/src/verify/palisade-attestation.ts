import { leafHash, verifyInclusionReceipt, type InclusionReceipt } from '@palisade/transparency-log';
import { invalid, verified, type CheckResult } from './check-result';
import { verifyDsseSignature, type DsseEnvelope } from './dsse';
import { npmPurl, sha512Hex } from './npm-purl';
import type { RegistryKey } from './registry-keys';

/** Key name of the transparency log's checkpoints. */
export const LOG_KEY_NAME = 'palisade';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** One entry of `GET /-/palisade/v1/attestations/<name>@<version>`. */
export interface PalisadeAttestation {
  predicateType: string;
  envelope: DsseEnvelope;
  logEntry: InclusionReceipt;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One Palisade attestation of an installed package: the DSSE signature by a registry key, the
 * statement's subject (PURL and sha512 of the installed integrity), and its inclusion in the
 * registry's transparency log (leaf = the envelope's JSON as served).
 */
export function checkPalisadeAttestation(att: PalisadeAttestation, pkg: { name: string; version: string; integrity: string }, keys: ReadonlyMap<string, RegistryKey>): CheckResult {
  const spec = `${pkg.name}@${pkg.version}`;
  const label = `${spec} attestation ${att.predicateType}`;
  const envelope = att.envelope;
  if (!isObject(envelope) || envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE || typeof envelope.payload !== 'string' || !Array.isArray(envelope.signatures)) {
    return invalid(`${label}: not a DSSE envelope of an in-toto statement`);
  }
  let signer: RegistryKey | undefined;
  for (const s of envelope.signatures) {
    const key = keys.get(s.keyid);
    if (key && verifyDsseSignature(envelope, s.sig, key.publicKey)) {
      signer = key;
      break;
    }
  }
  if (!signer) return invalid(`${label}: no signature verifies with a registry key (keyids: ${envelope.signatures.map((s) => s.keyid).join(', ') || 'none'})`);

  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  } catch {
    return invalid(`${label}: the payload is not a JSON statement`);
  }
  const subject = isObject(statement) && Array.isArray(statement.subject) && isObject(statement.subject[0]) ? statement.subject[0] : undefined;
  const purl = npmPurl(pkg.name, pkg.version);
  if (!subject || subject.name !== purl) return invalid(`${label}: package name and version (PURL): ${purl} doesn't match what was signed: ${String(subject?.name)}`);
  const hex = sha512Hex(pkg.integrity);
  const signedHex = isObject(subject.digest) ? subject.digest.sha512 : undefined;
  if (!hex || signedHex !== hex) return invalid(`${label}: package integrity (hex digest): ${hex ?? 'none'} doesn't match what was signed: ${String(signedHex)}`);

  const leaf = leafHash(Buffer.from(JSON.stringify(envelope), 'utf8'));
  // The checkpoint may be signed by another registry key than the envelope (after a rotation).
  const candidates = [signer, ...[...keys.values()].filter((k) => k !== signer)];
  const failures: string[] = [];
  for (const key of candidates) {
    try {
      verifyInclusionReceipt(leaf, att.logEntry, key.publicKey, LOG_KEY_NAME);
      return verified(`signed by ${signer.keyid}, log entry ${att.logEntry.logIndex} of ${att.logEntry.treeSize}`);
    } catch (e: unknown) {
      failures.push(e instanceof Error ? e.message : String(e));
    }
  }
  return invalid(`${label}: not proven to be in the transparency log: ${failures[0] ?? 'no registry key'}`);
}

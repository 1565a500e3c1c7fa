import { AttestationError, verifyAttestation, type ServedAttestation } from '@palisade/attestations';
import { invalid, verified, type CheckResult } from './check-result';
import type { RegistryKey } from './registry-keys';

/**
 * One Palisade attestation of an installed package: the DSSE signature by a registry key, the
 * statement's subject (PURL and sha512 of the installed integrity), and its inclusion in the
 * registry's transparency log. The checks are @palisade/attestations'; this words their verdict.
 */
export function checkPalisadeAttestation(att: ServedAttestation, pkg: { name: string; version: string; integrity: string }, keys: ReadonlyMap<string, RegistryKey>): CheckResult {
  const label = `${pkg.name}@${pkg.version} attestation ${att.predicateType}`;
  const publicKeys = new Map([...keys].map(([keyid, key]) => [keyid, key.publicKey]));
  try {
    const { keyid } = verifyAttestation(att, pkg, publicKeys);
    return verified(`signed by ${keyid}, log entry ${att.logEntry.logIndex} of ${att.logEntry.treeSize}`);
  } catch (e: unknown) {
    if (!(e instanceof AttestationError)) throw e;
    return invalid(`${label}: ${reasonOf(e, att)}`);
  }
}

function reasonOf(e: AttestationError, att: ServedAttestation): string {
  switch (e.code) {
    case 'ATTESTATION_UNKNOWN_KEY':
    case 'ATTESTATION_SIGNATURE_INVALID':
      // Both codes come after the envelope's shape was checked, so its signatures are readable.
      return `no signature verifies with a registry key (keyids: ${att.envelope.signatures.map((s) => s.keyid).join(', ') || 'none'})`;
    case 'ATTESTATION_SUBJECT_MISMATCH': {
      const what = e.mismatch?.field === 'sha512' ? 'package integrity (hex digest)' : 'package name and version (PURL)';
      return e.mismatch ? `${what}: ${e.mismatch.expected} doesn't match what was signed: ${e.mismatch.signed}` : e.message;
    }
    case 'ATTESTATION_LOG_INCLUSION_INVALID':
      return `not proven to be in the transparency log: ${e.cause instanceof Error ? e.cause.message : e.message}`;
    case 'ATTESTATION_MALFORMED':
      // The envelope, the statement or the installed integrity: the message says which.
      return e.message;
  }
}

import { envelopeLogEntry, type DsseEnvelope } from '@palisade/attestations';

export type LogEntryKind = 'registry-signature' | 'attestation';

/**
 * A registry signature as a log leaf: UTF-8 JSON with the fields in this order, no whitespace.
 * Anyone holding a version's `dist.signatures` entry can rebuild these bytes.
 */
export function registrySignatureEntry(s: { name: string; version: string; integrity: string; keyid: string; sig: string }): Buffer {
  return Buffer.from(JSON.stringify({ kind: 'registry-signature', name: s.name, version: s.version, integrity: s.integrity, keyid: s.keyid, sig: s.sig }), 'utf8');
}

/** An attestation as a log leaf: its DSSE envelope (see `envelopeLogEntry`). */
export function attestationEntry(envelope: DsseEnvelope): Buffer {
  return envelopeLogEntry(envelope);
}

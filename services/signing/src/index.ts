export { signingService } from './signing.service';
export { keyIdOf, KEY_TYPE, KEY_SCHEME } from './keys/key-id';
export { KEY_PROVIDER } from './keys/key-provider';
export type { KeyProvider, ProvidedKey } from './keys/key-provider';
export { REVOKED_EXPIRES, npmPublicKey } from './keys/key-ring';
export type { NpmPublicKey, RegistryKeyState, KeyStatus } from './keys/key-ring';
// Attestation format and checks live in @palisade/attestations; re-exported for the service's callers.
export {
  ADMISSION_PREDICATE_TYPE,
  AttestationError,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  LOG_KEY_NAME,
  LOG_ORIGIN,
  PUBLISH_PREDICATE_TYPE,
  envelopeLogEntry,
  keyObjectSigner,
  npmPurl,
  pae,
  parseStatement,
  sha512HexOf,
  signEnvelope,
  verifyEnvelope,
  verifyPalisadeAttestation,
  versionStatement,
} from '@palisade/attestations';
export type {
  AdmissionPredicate,
  AttestationErrorCode,
  DsseEnvelope,
  DsseSignature,
  ListedKey,
  PublishPredicate,
  ServedAttestation,
  Statement,
  StatementSubject,
  VerifiedAttestation,
} from '@palisade/attestations';
export { registrySignatureEntry } from './log/log-entries';
export type { LogEntryKind } from './log/log-entries';

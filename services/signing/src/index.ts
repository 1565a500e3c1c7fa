export { signingService } from './signing.service';
export { keyIdOf, KEY_TYPE, KEY_SCHEME } from './keys/key-id';
export { KEY_PROVIDER } from './keys/key-provider';
export type { KeyProvider, ProvidedKey } from './keys/key-provider';
export { REVOKED_EXPIRES, npmPublicKey } from './keys/key-ring';
export type { NpmPublicKey, RegistryKeyState, KeyStatus } from './keys/key-ring';
export { IN_TOTO_PAYLOAD_TYPE, envelopeLogEntry, keyObjectSigner, pae, signEnvelope, verifyEnvelope } from './attestations/dsse';
export type { DsseEnvelope, DsseSignature } from './attestations/dsse';
export {
  ADMISSION_PREDICATE_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  PUBLISH_PREDICATE_TYPE,
  npmPurl,
  parseStatement,
  sha512HexOf,
  versionStatement,
} from './attestations/statement';
export type { AdmissionPredicate, PublishPredicate, Statement, StatementSubject } from './attestations/statement';
export { LOG_KEY_NAME, LOG_ORIGIN, verifyPalisadeAttestation } from './attestations/verify-attestation';
export type { ListedKey, ServedAttestation, VerifiedAttestation } from './attestations/verify-attestation';
export { AttestationError } from './attestations/attestation-error';
export type { AttestationErrorCode } from './attestations/attestation-error';
export { registrySignatureEntry } from './log/log-entries';
export type { LogEntryKind } from './log/log-entries';

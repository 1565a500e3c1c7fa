export { AttestationError } from './attestation-error';
export type { AttestationErrorCode, AttestationErrorOptions, SubjectMismatch } from './attestation-error';
export { IN_TOTO_PAYLOAD_TYPE, envelopeLogEntry, keyObjectSigner, pae, signEnvelope, verifyEnvelope } from './dsse';
export type { DsseEnvelope, DsseSignature } from './dsse';
export {
  ADMISSION_PREDICATE_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  PUBLISH_PREDICATE_TYPE,
  npmPurl,
  parseStatement,
  sha512HexOf,
  versionStatement,
} from './statement';
export type { AdmissionPredicate, PublishPredicate, Statement, StatementSubject } from './statement';
export { LOG_KEY_NAME, LOG_ORIGIN, verifyAttestation, verifyPalisadeAttestation } from './verify-attestation';
export type { AttestedVersion, ListedKey, ServedAttestation, VerifiedAttestation } from './verify-attestation';

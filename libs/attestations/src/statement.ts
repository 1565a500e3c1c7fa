import { AttestationError } from './attestation-error';

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PUBLISH_PREDICATE_TYPE = 'https://palisade.dev/attestation/publish/v1';
export const ADMISSION_PREDICATE_TYPE = 'https://palisade.dev/attestation/admission/v1';

export interface StatementSubject {
  readonly name: string;
  readonly digest: Readonly<Record<string, string>>;
}

/** An in-toto Statement v1 (github.com/in-toto/attestation, spec/v1/statement.md). */
export interface Statement<P = unknown> {
  readonly _type: typeof IN_TOTO_STATEMENT_TYPE;
  readonly subject: readonly StatementSubject[];
  readonly predicateType: string;
  readonly predicate: P;
}

/** Who published, from which token, when, which bytes, and the source the publisher's provenance named. */
export interface PublishPredicate {
  readonly publisher: { readonly principal: string; readonly tokenId: string } | null;
  readonly publishedAt: string;
  readonly integrity: string;
  readonly source: { readonly repository: string; readonly commit: string } | null;
  /**
   * For a version read through from an upstream registry: which one, and how its bytes were
   * vouched for there (`signature`: a valid upstream registry signature by `keyid`;
   * `integrity-only`: the upstream signs nothing, only the sha512 integrity binds the bytes).
   * Absent on published versions and on attestations made before the read-through cache.
   */
  readonly upstream?: { readonly registry: string; readonly verification: 'signature' | 'integrity-only'; readonly keyid: string | null };
}

/**
 * A view's admission (promotion) of the version under a policy version, with who approved. The
 * decision fields came with versioned policies; attestations made before them lack them.
 */
export interface AdmissionPredicate {
  readonly view: string;
  readonly fromView: string | null;
  readonly policyVersion: number;
  readonly approvers: readonly string[];
  readonly admittedAt: string;
  /** The rules the version passed, one line each (verdict, signature, age, approvals). */
  readonly decision?: readonly string[];
  /** sha256 (hex) of the policy document version `policyVersion`. */
  readonly policyDigest?: string | null;
  /** Who requested the promotion; null for an automatic admission. */
  readonly requestedBy?: string | null;
}

/**
 * The package URL npm itself writes for provenance subjects (npm-package-arg `toPurl`): the
 * scope's `@` as `%40`, the rest verbatim. `pkg:npm/%40scope/name@1.0.0`.
 */
export function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

/** The hex sha512 of a single-value `sha512-<base64>` integrity, as in-toto digests write it. */
export function sha512HexOf(integrity: string): string {
  const match = /^sha512-([A-Za-z0-9+/]{86}==)$/.exec(integrity);
  const bytes = match ? Buffer.from(match[1], 'base64') : undefined;
  if (!bytes || bytes.length !== 64 || bytes.toString('base64') !== match?.[1]) {
    throw new AttestationError('ATTESTATION_MALFORMED', `integrity ${JSON.stringify(integrity)} is not one sha512 value`);
  }
  return bytes.toString('hex');
}

/** A statement about exactly one version's tarball. */
export function versionStatement<P>(name: string, version: string, integrity: string, predicateType: string, predicate: P): Statement<P> {
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: npmPurl(name, version), digest: { sha512: sha512HexOf(integrity) } }],
    predicateType,
    predicate,
  };
}

/** Parses a statement's JSON; the shape only, not what it claims. */
export function parseStatement(payload: Buffer): Statement {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (e: unknown) {
    throw new AttestationError('ATTESTATION_MALFORMED', 'the DSSE payload is not JSON', { cause: e });
  }
  const s = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const subjects = Array.isArray(s.subject) ? (s.subject as unknown[]) : [];
  const wellFormed =
    s._type === IN_TOTO_STATEMENT_TYPE &&
    typeof s.predicateType === 'string' &&
    subjects.length > 0 &&
    subjects.every((x) => {
      const subject = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
      return typeof subject.name === 'string' && typeof subject.digest === 'object' && subject.digest !== null;
    });
  if (!wellFormed) throw new AttestationError('ATTESTATION_MALFORMED', `the DSSE payload is not an in-toto ${IN_TOTO_STATEMENT_TYPE} statement`);
  return value as Statement;
}

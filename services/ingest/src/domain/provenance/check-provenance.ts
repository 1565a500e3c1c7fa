import { npmPurl } from '@palisade/attestations';
import { IngestRejected, IngestRejectionCode } from '../ingest-rejection';
import { buildSourceOf } from './build-source';
import { parseProvenanceBundle } from './provenance-bundle';
import { manifestRepository, normaliseRepositoryUrl } from './repository-url';

/**
 * What ingest records about a version's provenance. `verified` says how far it was checked:
 * the statement's subject against the tarball and its source against package.json. The
 * Sigstore certificate chain and Rekor entry are not verified (no trusted root offline).
 */
export interface ProvenanceRecord {
  mediaType: string;
  predicateType: string;
  repository: string;
  commit?: string;
  verified: 'subject+repository';
}

export interface ProvenanceSubject {
  name: string;
  version: string;
  /** Hex sha512 of the tarball bytes. */
  sha512: string;
  manifest: Readonly<Record<string, unknown>>;
}

/** Checks a `.sigstore` attachment against the version it came with; refuses with a stable code. */
export function checkProvenance(bytes: Buffer, subject: ProvenanceSubject): ProvenanceRecord {
  const { mediaType, statement } = parseProvenanceBundle(bytes);
  const purl = npmPurl(subject.name, subject.version);
  const [first] = statement.subject;
  const problems: string[] = [];
  if (first.name !== purl) problems.push(`the statement is about ${first.name}, this publish is ${purl}`);
  if (first.digest.sha512 !== subject.sha512) problems.push(`the statement's sha512 is ${first.digest.sha512 ?? 'missing'}, the tarball's is ${subject.sha512}`);
  if (problems.length > 0) {
    throw new IngestRejected(IngestRejectionCode.ProvenanceSubjectMismatch, 'the provenance statement does not describe this package version and tarball', problems);
  }
  const source = buildSourceOf(statement.predicateType, statement.predicate);
  if (!source) {
    throw new IngestRejected(IngestRejectionCode.ProvenanceInvalid, 'the provenance attachment is not a usable Sigstore bundle', [
      `predicate ${statement.predicateType} names no source repository (SLSA provenance v1 or v0.2 expected)`,
    ]);
  }
  const built = normaliseRepositoryUrl(source.repository);
  const declaredRaw = manifestRepository(subject.manifest);
  const declared = declaredRaw === undefined ? undefined : normaliseRepositoryUrl(declaredRaw);
  if (built === undefined || declared === undefined || built !== declared) {
    throw new IngestRejected(IngestRejectionCode.ProvenanceRepositoryMismatch, 'the provenance was built from another repository than package.json declares', [
      `package.json repository is ${JSON.stringify(declaredRaw ?? null)}, the provenance names ${JSON.stringify(source.repository)}`,
    ]);
  }
  return { mediaType, predicateType: statement.predicateType, repository: built, ...(source.commit ? { commit: source.commit } : {}), verified: 'subject+repository' };
}

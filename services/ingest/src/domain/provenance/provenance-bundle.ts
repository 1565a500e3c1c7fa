import { IngestRejected, IngestRejectionCode } from '../ingest-rejection';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** The parts of an in-toto Statement (v0.1 or v1) that a provenance check reads. */
export interface InTotoStatement {
  type: string;
  predicateType: string;
  subject: ReadonlyArray<{ name: string; digest: Readonly<Record<string, string>> }>;
  predicate: Readonly<Record<string, unknown>>;
}

export interface ProvenanceBundle {
  mediaType: string;
  statement: InTotoStatement;
}

const invalid = (why: string) => new IngestRejected(IngestRejectionCode.ProvenanceInvalid, 'the provenance attachment is not a usable Sigstore bundle', [why]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a Sigstore bundle (`<name>-<version>.sigstore`) down to its in-toto statement. Only the
 * shape is checked here: the certificate chain and transparency-log entry need Sigstore's
 * trusted root, which this registry does not fetch.
 */
export function parseProvenanceBundle(bytes: Buffer): ProvenanceBundle {
  let bundle: unknown;
  try {
    bundle = JSON.parse(bytes.toString('utf8'));
  } catch (e: unknown) {
    throw invalid(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(bundle)) throw invalid('the bundle is not a JSON object');
  if (typeof bundle.mediaType !== 'string' || !bundle.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
    throw invalid(`mediaType ${JSON.stringify(bundle.mediaType ?? null)} is not a Sigstore bundle media type`);
  }
  if (!isObject(bundle.verificationMaterial)) throw invalid('the bundle has no verificationMaterial');
  const envelope = bundle.dsseEnvelope;
  if (!isObject(envelope)) throw invalid('the bundle has no dsseEnvelope');
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw invalid(`dsseEnvelope.payloadType is ${JSON.stringify(envelope.payloadType ?? null)}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  if (!Array.isArray(envelope.signatures) || envelope.signatures.length === 0) throw invalid('dsseEnvelope has no signatures');
  if (typeof envelope.payload !== 'string') throw invalid('dsseEnvelope.payload is not a string');
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  } catch {
    throw invalid('dsseEnvelope.payload is not base64 of a JSON statement');
  }
  return { mediaType: bundle.mediaType, statement: toStatement(statement) };
}

function toStatement(value: unknown): InTotoStatement {
  if (!isObject(value)) throw invalid('the statement is not a JSON object');
  if (typeof value._type !== 'string' || !value._type.startsWith('https://in-toto.io/Statement/')) throw invalid(`_type ${JSON.stringify(value._type ?? null)} is not an in-toto statement`);
  if (typeof value.predicateType !== 'string' || value.predicateType.length === 0) throw invalid('the statement has no predicateType');
  if (!isObject(value.predicate)) throw invalid('the statement has no predicate');
  if (!Array.isArray(value.subject) || value.subject.length === 0) throw invalid('the statement has no subject');
  const subject = value.subject.map((s: unknown, i) => {
    if (!isObject(s) || typeof s.name !== 'string' || !isObject(s.digest)) throw invalid(`subject[${i}] needs a name and a digest`);
    const digest: Record<string, string> = {};
    for (const [algorithm, hex] of Object.entries(s.digest)) if (typeof hex === 'string') digest[algorithm] = hex;
    return { name: s.name, digest };
  });
  return { type: value._type, predicateType: value.predicateType, subject, predicate: value.predicate };
}

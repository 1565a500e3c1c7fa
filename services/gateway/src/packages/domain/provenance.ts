import { escapePackageName } from '../../http/package-name';
import { isRecord } from './json-shapes';

/**
 * The predicate type of a stored `.sigstore` bundle (ingest checked the bundle before recording
 * the version), or undefined when the bytes are not a bundle with an in-toto statement.
 */
export function predicateTypeOf(bundle: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(bundle.toString('utf8'));
    if (!isRecord(parsed) || !isRecord(parsed.dsseEnvelope) || typeof parsed.dsseEnvelope.payload !== 'string') return undefined;
    const statement: unknown = JSON.parse(Buffer.from(parsed.dsseEnvelope.payload, 'base64').toString('utf8'));
    return isRecord(statement) && typeof statement.predicateType === 'string' ? statement.predicateType : undefined;
  } catch {
    return undefined;
  }
}

/** `dist.attestations.url`; npm only uses its path, resolved against the registry it is configured with. */
export function attestationsUrl(registryUrl: string, name: string, version: string): string {
  return `${registryUrl}/-/npm/v1/attestations/${escapePackageName(name)}@${encodeURIComponent(version)}`;
}

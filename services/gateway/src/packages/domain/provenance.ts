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

/** `<name>@<version>` of an attestations path segment (`@scope%2fname@1.0.0` or `@scope/name@1.0.0`). */
export function parseVersionSpec(raw: string): { name: string; version: string } | undefined {
  let spec: string;
  try {
    spec = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const at = spec.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

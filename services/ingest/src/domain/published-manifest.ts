import { IngestRejected, IngestRejectionCode } from './ingest-rejection';

export type Manifest = Record<string, unknown>;

/** The version object of a publish body, which must be a JSON object. */
export function parsePublishedManifest(json: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e: unknown) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new IngestRejected(IngestRejectionCode.InvalidManifest, 'the published manifest is not valid JSON', [detail]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IngestRejected(IngestRejectionCode.InvalidManifest, 'the published manifest is not a JSON object');
  }
  return value as Manifest;
}

/** What the client says about the bytes it sent (`dist.integrity`, `dist.shasum`), when it says anything. */
export function clientDist(manifest: Manifest): { integrity?: unknown; shasum?: unknown } {
  const dist = manifest.dist;
  if (typeof dist !== 'object' || dist === null) return {};
  const { integrity, shasum } = dist as Record<string, unknown>;
  return { integrity: integrity ?? undefined, shasum: shasum ?? undefined };
}

/** The manifest must describe the name@version the publish is for. */
export function identityProblems(manifest: Manifest, name: string, version: string): string[] {
  const problems: string[] = [];
  if (manifest.name !== name) problems.push(`name: the publish is for "${name}", its manifest says ${JSON.stringify(manifest.name ?? null)}`);
  if (manifest.version !== version) problems.push(`version: the publish is for "${version}", its manifest says ${JSON.stringify(manifest.version ?? null)}`);
  return problems;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringMap = (value: unknown) => isObject(value) && Object.values(value).every((v) => typeof v === 'string');
const isStringList = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** The JSON type each install field has in a manifest npm sends (it normalises them before publishing). */
const INSTALL_FIELD_SHAPES: Record<string, { ok: (value: unknown) => boolean; expected: string }> = {
  scripts: { ok: isStringMap, expected: 'an object of strings' },
  dependencies: { ok: isStringMap, expected: 'an object of strings' },
  optionalDependencies: { ok: isStringMap, expected: 'an object of strings' },
  peerDependencies: { ok: isStringMap, expected: 'an object of strings' },
  peerDependenciesMeta: { ok: (v) => isObject(v) && Object.values(v).every(isObject), expected: 'an object of objects' },
  engines: { ok: isStringMap, expected: 'an object of strings' },
  bin: { ok: (v) => typeof v === 'string' || isStringMap(v), expected: 'a string or an object of strings' },
  bundleDependencies: { ok: (v) => typeof v === 'boolean' || isStringList(v), expected: 'a list of names or a boolean' },
  os: { ok: (v) => typeof v === 'string' || isStringList(v), expected: 'a string or a list of strings' },
  cpu: { ok: (v) => typeof v === 'string' || isStringList(v), expected: 'a string or a list of strings' },
  libc: { ok: (v) => typeof v === 'string' || isStringList(v), expected: 'a string or a list of strings' },
};

/**
 * Install fields of the wrong type (`"dependencies": true`): the tarball comparison would read
 * them as empty while the registry served them as sent, so they are refused instead.
 */
export function installFieldShapeProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  for (const [field, shape] of Object.entries(INSTALL_FIELD_SHAPES)) {
    const value = manifest[field];
    if (value !== undefined && !shape.ok(value)) problems.push(`${field} must be ${shape.expected}, not ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return problems;
}

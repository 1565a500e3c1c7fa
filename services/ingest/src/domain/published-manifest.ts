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

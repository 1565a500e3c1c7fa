/** Where a provenance statement says the package was built from. */
export interface BuildSource {
  repository: string;
  commit?: string;
}

const SLSA_V1 = 'https://slsa.dev/provenance/v1';
const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';

function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The source repository and commit of a SLSA v1 or v0.2 predicate; undefined for other predicate types. */
export function buildSourceOf(predicateType: string, predicate: unknown): BuildSource | undefined {
  if (predicateType === SLSA_V1) {
    const repository = text(at(predicate, 'buildDefinition', 'externalParameters', 'workflow', 'repository'));
    if (!repository) return undefined;
    const commit = text(at(predicate, 'buildDefinition', 'resolvedDependencies', 0, 'digest', 'gitCommit'));
    return commit ? { repository, commit } : { repository };
  }
  if (predicateType === SLSA_V02) {
    const repository = text(at(predicate, 'invocation', 'configSource', 'uri'));
    if (!repository) return undefined;
    const commit = text(at(predicate, 'invocation', 'configSource', 'digest', 'sha1'));
    return commit ? { repository, commit } : { repository };
  }
  return undefined;
}

import { CliError, CliErrorCode } from '../cli-error';
import { invalid, missing, type CheckResult } from './check-result';
import { registryOf, type Lockfile } from './lockfile';
import { checkPalisadeAttestation } from './palisade-attestation';
import { checkPromotion } from './promotion-attestation';
import { RegistryClient } from './registry-client';
import { registryKeys, type RegistryKey } from './registry-keys';
import { checkRegistrySignatures } from './registry-signature';

export interface VerifyOptions {
  /** Overrides the registry each package's `resolved` URL names. */
  registry?: string;
  /** A package without attestations fails verification. */
  requireAttestations: boolean;
}

export interface PackageVerdict {
  name: string;
  version: string;
  registry: string;
  signature: CheckResult;
  attestations: CheckResult;
  /** The promotion attestation of the view installed from; null when the registry names no view. */
  promotion: CheckResult | null;
}

export interface VerifyReport {
  packages: PackageVerdict[];
  skipped: string[];
  /** True when every package passed (missing attestations pass only when not required). */
  ok: boolean;
}

/** Every package of the lockfile against its registry's keys, signatures and attestations. */
export async function verifyProject(lock: Lockfile, options: VerifyOptions, client = new RegistryClient()): Promise<VerifyReport> {
  const keysByRegistry = new Map<string, Map<string, RegistryKey>>();
  const keysOf = async (registry: string) => {
    let keys = keysByRegistry.get(registry);
    if (!keys) {
      keys = registryKeys((await client.keys(registry)) ?? []);
      keysByRegistry.set(registry, keys);
    }
    return keys;
  };
  const packages: PackageVerdict[] = [];
  for (const pkg of lock.packages) {
    const registry = withSlash(options.registry ?? registryOf(pkg) ?? '');
    if (registry === '/') throw new CliError(CliErrorCode.Usage, `cannot tell the registry of ${pkg.name}@${pkg.version} from ${pkg.resolved}; pass --registry`);
    const keys = await keysOf(registry);
    const packument = await client.packument(registry, pkg.name);
    const dist = packument?.versions?.[pkg.version]?.dist;
    const signature: CheckResult = !dist
      ? invalid(`${pkg.name}@${pkg.version} is not served by ${registry}`)
      : keys.size === 0
        ? missing(`${registry} publishes no signing keys`)
        : checkRegistrySignatures({ ...pkg, lockedIntegrity: pkg.integrity, dist, publishedAt: packument?.time?.[pkg.version] }, keys);
    packages.push({ name: pkg.name, version: pkg.version, registry, signature, ...(await attestationsOf(client, registry, pkg, keys)) });
  }
  const passes = (r: CheckResult | null) => r === null || r.status === 'verified' || (r.status === 'missing' && !options.requireAttestations);
  const ok = packages.every((p) => p.signature.status === 'verified' && passes(p.attestations) && passes(p.promotion));
  return { packages, skipped: lock.skipped, ok };
}

/**
 * Every attestation must verify; then, when the registry names the view it serves, the version's
 * promotion attestation for that view must be among them.
 */
async function attestationsOf(
  client: RegistryClient,
  registry: string,
  pkg: { name: string; version: string; integrity: string },
  keys: ReadonlyMap<string, RegistryKey>,
): Promise<{ attestations: CheckResult; promotion: CheckResult | null }> {
  const served = await client.attestations(registry, pkg.name, pkg.version);
  const view = served?.view;
  const none = missing(`${pkg.name}@${pkg.version} has no attestations`);
  if (served === null || served.attestations.length === 0) return { attestations: none, promotion: view ? missing(`${pkg.name}@${pkg.version} has no promotion attestation for view ${view}`) : null };
  const { attestations } = served;
  const results = attestations.map((a) => checkPalisadeAttestation(a, pkg, keys));
  const failed = results.find((r) => r.status !== 'verified');
  if (failed) return { attestations: failed, promotion: view ? invalid(`${pkg.name}@${pkg.version}: not checked, its attestations do not verify`) : null };
  return {
    attestations: { status: 'verified', detail: `${attestations.map((a) => a.predicateType).join(', ')} (${results.map((r) => r.detail).join('; ')})` },
    promotion: view ? checkPromotion(attestations, pkg, view) : null,
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

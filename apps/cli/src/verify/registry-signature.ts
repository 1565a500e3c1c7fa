import { createVerify } from 'node:crypto';
import { invalid, missing, verified, type CheckResult } from './check-result';
import type { RegistryKey } from './registry-keys';

export interface SignedVersion {
  name: string;
  version: string;
  /** The integrity the lockfile installed. */
  lockedIntegrity: string;
  /** `dist` of the version in the full packument. */
  dist: { integrity?: unknown; signatures?: unknown };
  /** `time[version]` of the packument: when the version was published. */
  publishedAt?: string;
}

/**
 * `dist.signatures` checked as npm's pacote checks them (`verifySignatures`): each signature's
 * key must be known and unexpired when the version was published, and verify ECDSA/SHA-256
 * over `<name>@<version>:<integrity>`. Additionally the packument's integrity must be the
 * lockfile's, or the signature would vouch for other bytes than those installed.
 */
export function checkRegistrySignatures(v: SignedVersion, keys: ReadonlyMap<string, RegistryKey>): CheckResult {
  const spec = `${v.name}@${v.version}`;
  if (v.dist.integrity !== v.lockedIntegrity) {
    return invalid(`${spec}: the registry serves integrity ${String(v.dist.integrity)}, the lockfile installed ${v.lockedIntegrity}`);
  }
  const signatures = Array.isArray(v.dist.signatures) ? (v.dist.signatures as Array<{ keyid?: unknown; sig?: unknown }>) : [];
  if (signatures.length === 0) return missing(`${spec} has no registry signature`);
  const message = `${spec}:${v.lockedIntegrity}`;
  const keyids: string[] = [];
  for (const signature of signatures) {
    const keyid = String(signature.keyid);
    const key = keys.get(keyid);
    if (!key) return invalid(`${spec} has a registry signature with keyid: ${keyid} but no corresponding public key can be found`);
    const publishedTime = Date.parse(v.publishedAt ?? '') || 0;
    if (key.expires !== null && !(publishedTime < Date.parse(key.expires))) {
      return invalid(`${spec} has a registry signature with keyid: ${keyid} but the corresponding public key has expired ${key.expires}`);
    }
    const verifier = createVerify('SHA256');
    verifier.end(message);
    if (typeof signature.sig !== 'string' || !verifier.verify(key.publicKey, signature.sig, 'base64')) {
      return invalid(`${spec} has an invalid registry signature with keyid: ${keyid} and signature: ${String(signature.sig)}`);
    }
    keyids.push(keyid);
  }
  return verified(`signed by ${keyids.join(', ')}`);
}

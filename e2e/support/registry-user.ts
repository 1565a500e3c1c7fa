import { waitFor } from '@palisade/testing';
import { NpmUser } from './npm-cli';

export interface RegistrySignature {
  keyid: string;
  sig: string;
}

/** Creates user `name` with the admin token and answers an npm CLI logged in as that user. */
export async function createNpmUser(registry: string, adminToken: string, name: string): Promise<NpmUser> {
  const response = await fetch(`${registry}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password: `${name}s-long-password`, email: `${name}@example.test`, type: 'user', roles: [] }),
  });
  expect(response.status).toBe(201);
  return NpmUser.create(registry, ((await response.json()) as { token: string }).token);
}

/** `npm publish` of a one-file package with this package.json. */
export async function publishPackage(user: NpmUser, packageJson: Record<string, unknown>): Promise<void> {
  const dir = await user.project(packageJson, { 'index.js': 'module.exports = 1;\n' });
  const result = await user.npm(['publish'], dir);
  // The stderr comes along so a failure says why.
  expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
}

/** The version's `dist.signatures` once the signing service has signed it (it signs asynchronously). */
export async function signaturesOf(registry: string, name: string, version: string): Promise<RegistrySignature[]> {
  let found: RegistrySignature[] = [];
  await waitFor(
    async () => {
      const response = await fetch(`${registry}${name.replace('/', '%2f')}`, { headers: { accept: 'application/json' } });
      if (response.status !== 200) return false;
      const doc = (await response.json()) as { versions: Record<string, { dist: { signatures?: RegistrySignature[] } }> };
      found = doc.versions[version]?.dist.signatures ?? [];
      return found.length > 0;
    },
    { timeoutMs: 15_000, message: `${name}@${version} signed` },
  );
  return found;
}

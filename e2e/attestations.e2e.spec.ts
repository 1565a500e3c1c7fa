import { createPublicKey } from 'node:crypto';
import { verifyPalisadeAttestation, type ListedKey, type ServedAttestation } from '@palisade/attestations';
import { runCleanups, waitFor } from '@palisade/testing';
import { detectRewrite, leafHash, verifyCheckpoint, verifyInclusionReceipt } from '@palisade/transparency-log';
import type { NpmUser } from './support/npm-cli';
import { createNpmUser, publishPackage } from './support/registry-user';
import { startStack, type Stack, type StackMode } from './support/stack';

// Palisade's own attestations end to end: npm publishes, then a client fetches the attestations
// and the registry keys over HTTP and checks each envelope, its subject against the tarball's
// integrity, and its inclusion in the transparency log; checkpoints prove the log only grows.
const modes: StackMode[] = ['embedded', 'distributed'];

describe.each(modes)('Palisade attestations and transparency log (%s mode)', (mode) => {
  let stack: Stack;
  let user: NpmUser;
  let registry: string;

  const get = async (path: string) => fetch(`${registry}${path}`);
  const keys = async (): Promise<ListedKey[]> => {
    await waitFor(async () => (await get('-/npm/v1/keys')).status === 200, { timeoutMs: 15_000, message: 'keys served' });
    return ((await (await get('-/npm/v1/keys')).json()) as { keys: ListedKey[] }).keys;
  };
  const integrityOf = async (name: string, version: string): Promise<string> => {
    const doc = (await (await get(name.replace('/', '%2f'))).json()) as { versions: Record<string, { dist: { integrity: string; attestations?: unknown } }> };
    expect(doc.versions[version].dist.attestations).toBeUndefined();
    return doc.versions[version].dist.integrity;
  };
  const attestationsOf = async (name: string, version: string, count: number): Promise<ServedAttestation[]> => {
    let found: ServedAttestation[] = [];
    await waitFor(
      async () => {
        const response = await get(`-/palisade/v1/attestations/${name}@${version}`);
        found = response.status === 200 ? ((await response.json()) as { attestations: ServedAttestation[] }).attestations : [];
        return found.length >= count;
      },
      { timeoutMs: 15_000, message: `${count} attestation(s) of ${name}@${version}` },
    );
    return found;
  };
  const publish = (packageJson: Record<string, unknown>) => publishPackage(user, packageJson);

  beforeAll(async () => {
    stack = await startStack(mode);
    registry = stack.registry('dev');
    user = await createNpmUser(registry, stack.adminToken, 'dana');
  });

  afterAll(async () => {
    await stack?.stop();
    await runCleanups();
  });

  it('publish and admission attestations verify with the key from /-/npm/v1/keys and are in the log', async () => {
    await publish({ name: '@att/widget', version: '1.0.0', main: 'index.js' });
    const integrity = await integrityOf('@att/widget', '1.0.0');
    const listed = await keys();
    const served = await attestationsOf('@att/widget', '1.0.0', 2);
    expect(served.map((a) => a.predicateType).sort()).toEqual(['https://palisade.dev/attestation/admission/v1', 'https://palisade.dev/attestation/publish/v1']);
    for (const attestation of served) {
      const verified = verifyPalisadeAttestation(attestation, { name: '@att/widget', version: '1.0.0', integrity }, listed);
      expect(verified.statement.subject[0].name).toBe('pkg:npm/%40att/widget@1.0.0');
    }
    const publishStatement = JSON.parse(
      Buffer.from((served.find((a) => a.predicateType.includes('/publish/')) as ServedAttestation).envelope.payload, 'base64').toString('utf8'),
    ) as { predicate: { publisher: { principal: string }; integrity: string } };
    expect(publishStatement.predicate).toMatchObject({ publisher: { principal: 'dana' }, integrity });
    // The same receipt, checked with the transparency-log library and the served key directly.
    const key = createPublicKey({ key: Buffer.from(listed[0].key, 'base64'), format: 'der', type: 'spki' });
    const entry = (await (await get(`-/palisade/v1/log/entries/${served[0].logEntry.logIndex}`)).json()) as { entry: unknown; leafHash: string };
    expect(leafHash(Buffer.from(JSON.stringify(entry.entry))).toString('base64')).toBe(entry.leafHash);
    expect(verifyInclusionReceipt(Buffer.from(entry.leafHash, 'base64'), served[0].logEntry, key, 'palisade').origin).toBe('palisade');
  });

  it('an attestation whose subject digest does not match the tarball fails verification, saying so', async () => {
    await publish({ name: 'att-other', version: '1.0.0', main: 'index.js' });
    const otherIntegrity = await integrityOf('att-other', '1.0.0');
    const [attestation] = await attestationsOf('@att/widget', '1.0.0', 1);
    const listed = await keys();
    // As if the tarball served for @att/widget@1.0.0 had been swapped for other bytes.
    expect(() => verifyPalisadeAttestation(attestation, { name: '@att/widget', version: '1.0.0', integrity: otherIntegrity }, listed)).toThrow(
      /subject digest sha512:[0-9a-f]{128} does not match the tarball's integrity sha512-/,
    );
  });

  it('a later checkpoint provably extends an earlier one', async () => {
    const key = createPublicKey({ key: Buffer.from((await keys())[0].key, 'base64'), format: 'der', type: 'spki' });
    const checkpoint = async () => {
      const response = await get('-/palisade/v1/log/checkpoint');
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      return verifyCheckpoint(await response.text(), key, 'palisade');
    };
    const older = await checkpoint();
    await publish({ name: '@att/widget', version: '1.1.0', main: 'index.js' });
    await attestationsOf('@att/widget', '1.1.0', 2);
    const newer = await checkpoint();
    expect(newer.treeSize).toBeGreaterThan(older.treeSize);
    const proof = (await (await get(`-/palisade/v1/log/consistency?from=${older.treeSize}&to=${newer.treeSize}`)).json()) as { hashes: string[] };
    expect(detectRewrite(older, newer, proof.hashes.map((h) => Buffer.from(h, 'base64')))).toEqual({ kind: 'extends' });
  });
});

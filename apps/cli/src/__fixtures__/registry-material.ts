import { createHash, createPublicKey, createSign, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE, PUBLISH_PREDICATE_TYPE, envelopeLogEntry, pae, versionStatement, type DsseEnvelope, type ServedAttestation } from '@palisade/attestations';
import { MerkleTree, createInclusionReceipt, createKeyObjectSigner, leafHash, signCheckpoint } from '@palisade/transparency-log';
import { registryKeys, type NpmRegistryKey } from '../verify/registry-keys';

/** A registry signing key generated for a test, in the shapes the registry serves. */
export class TestRegistryKey {
  readonly privateKey: KeyObject;
  readonly keyid: string;
  readonly npmKey: NpmRegistryKey;

  constructor(expires: string | null = null) {
    this.privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const der = createPublicKey(this.privateKey).export({ format: 'der', type: 'spki' });
    this.keyid = `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
    this.npmKey = { keyid: this.keyid, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: der.toString('base64'), expires };
  }

  /** `dist.signatures[]` entry as the signing service makes it. */
  signature(name: string, version: string, integrity: string): { keyid: string; sig: string } {
    const signer = createSign('SHA256');
    signer.end(`${name}@${version}:${integrity}`);
    return { keyid: this.keyid, sig: signer.sign(this.privateKey, 'base64') };
  }

  envelope(statement: unknown): DsseEnvelope {
    const payload = Buffer.from(JSON.stringify(statement));
    const sig = sign('sha256', pae(IN_TOTO_PAYLOAD_TYPE, payload), { key: this.privateKey, dsaEncoding: 'der' });
    return { payloadType: IN_TOTO_PAYLOAD_TYPE, payload: payload.toString('base64'), signatures: [{ keyid: this.keyid, sig: sig.toString('base64') }] };
  }
}

export const keyMap = (...keys: TestRegistryKey[]) => registryKeys(keys.map((k) => k.npmKey));

export function integrityOf(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

export function statementFor(name: string, version: string, integrity: string): unknown {
  return versionStatement(name, version, integrity, PUBLISH_PREDICATE_TYPE, { name, version });
}

/** An attestation logged as entry 2 of a 5-entry log whose checkpoint `logKey` signs. */
export async function loggedAttestation(envelopeKey: TestRegistryKey, statement: unknown, logKey: TestRegistryKey = envelopeKey): Promise<ServedAttestation> {
  const envelope = envelopeKey.envelope(statement);
  const leaves = [Buffer.from('a'), Buffer.from('b'), envelopeLogEntry(envelope), Buffer.from('d'), Buffer.from('e')];
  const tree = new MerkleTree(leaves.map((l) => leafHash(l)));
  const note = await signCheckpoint({ origin: 'palisade.test/log', treeSize: 5, rootHash: tree.root(5).toString('base64') }, createKeyObjectSigner('palisade', logKey.privateKey));
  return { predicateType: PUBLISH_PREDICATE_TYPE, envelope, logEntry: createInclusionReceipt(tree, 2, note) };
}

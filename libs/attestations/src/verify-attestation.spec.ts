import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { isPalisadeError } from '@palisade/errors';
import { AttestationError } from './attestation-error';
import { MerkleTree, createInclusionReceipt, createKeyObjectSigner, leafHash, signCheckpoint } from '@palisade/transparency-log';
import { envelopeLogEntry, keyObjectSigner, signEnvelope, type DsseEnvelope } from './dsse';
import { PUBLISH_PREDICATE_TYPE, versionStatement } from './statement';
import { verifyAttestation, verifyPalisadeAttestation, type ListedKey, type ServedAttestation } from './verify-attestation';

const integrityOf = (text: string) => `sha512-${createHash('sha512').update(text).digest('base64')}`;
/** npm's key id: `SHA256:` + unpadded base64 of the sha256 of the DER SubjectPublicKeyInfo. */
const keyIdOf = (spki: Buffer) => `SHA256:${createHash('sha256').update(spki).digest('base64').replace(/=+$/, '')}`;
const version = { name: '@acme/widget', version: '1.2.3', integrity: integrityOf('widget bytes') };

function registryKey(): { privateKey: KeyObject; listed: ListedKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, listed: { keyid: keyIdOf(spki), key: spki.toString('base64'), expires: null } };
}

/** A log of a few other leaves plus this envelope, and its receipt at the size right after it. */
async function served(envelope: DsseEnvelope, checkpointKey: KeyObject, keyName = 'palisade', origin = 'palisade'): Promise<ServedAttestation> {
  const tree = new MerkleTree([leafHash(Buffer.from('a')), leafHash(Buffer.from('b')), leafHash(Buffer.from('c'))]);
  const index = tree.append(leafHash(envelopeLogEntry(envelope)));
  const note = await signCheckpoint({ origin, treeSize: tree.size, rootHash: tree.root().toString('base64') }, createKeyObjectSigner(keyName, checkpointKey));
  return { predicateType: PUBLISH_PREDICATE_TYPE, envelope, logEntry: createInclusionReceipt(tree, index, note) };
}

async function envelopeFor(subject: { name: string; version: string; integrity: string }, key: { privateKey: KeyObject; listed: ListedKey }): Promise<DsseEnvelope> {
  const statement = versionStatement(subject.name, subject.version, subject.integrity, PUBLISH_PREDICATE_TYPE, { publisher: null });
  return signEnvelope('application/vnd.in-toto+json', Buffer.from(JSON.stringify(statement)), key.listed.keyid, keyObjectSigner(key.privateKey));
}

function failure(fn: () => unknown): { code?: string; message?: string } {
  try {
    fn();
  } catch (e: unknown) {
    return isPalisadeError(e) ? { code: e.code, message: e.message } : { code: 'NOT_PALISADE' };
  }
  return {};
}

describe('verifyPalisadeAttestation', () => {
  const key = registryKey();

  it('accepts a signed statement about these bytes, included under a checkpoint by a registry key', async () => {
    const attestation = await served(await envelopeFor(version, key), key.privateKey);
    const verified = verifyPalisadeAttestation(attestation, version, [key.listed]);
    expect(verified.keyid).toBe(key.listed.keyid);
    expect(verified.checkpoint).toMatchObject({ origin: 'palisade', treeSize: 4 });
    expect(verified.statement.subject[0].name).toBe('pkg:npm/%40acme/widget@1.2.3');
    // Round-tripped through JSON, as a client receives it.
    expect(verifyPalisadeAttestation(JSON.parse(JSON.stringify(attestation)) as ServedAttestation, version, [key.listed]).keyid).toBe(key.listed.keyid);
  });

  it('says the subject digest does not match the tarball integrity', async () => {
    const other = { ...version, integrity: integrityOf('other bytes') };
    const attestation = await served(await envelopeFor(other, key), key.privateKey);
    const { code, message } = failure(() => verifyPalisadeAttestation(attestation, version, [key.listed]));
    expect(code).toBe('ATTESTATION_SUBJECT_MISMATCH');
    expect(message).toContain(`does not match the tarball's integrity ${version.integrity}`);
    expect(message).toContain('@acme/widget@1.2.3');
  });

  it('refuses a statement about another version', async () => {
    const attestation = await served(await envelopeFor({ ...version, version: '9.9.9' }, key), key.privateKey);
    expect(failure(() => verifyPalisadeAttestation(attestation, version, [key.listed])).message).toMatch(/names pkg:npm\/%40acme\/widget@9\.9\.9, not pkg:npm\/%40acme\/widget@1\.2\.3/);
  });

  it('refuses an envelope by a key that is not listed, or listed as revoked', async () => {
    const stranger = registryKey();
    const attestation = await served(await envelopeFor(version, stranger), key.privateKey);
    expect(failure(() => verifyPalisadeAttestation(attestation, version, [key.listed])).code).toBe('ATTESTATION_UNKNOWN_KEY');
    const revoked = { ...key.listed, expires: '-271821-04-20T00:00:00.000Z' };
    expect(failure(() => verifyPalisadeAttestation(attestation, version, [revoked])).code).toBe('ATTESTATION_UNKNOWN_KEY');
  });

  it('refuses a receipt whose proof, checkpoint signer or origin is wrong', async () => {
    const envelope = await envelopeFor(version, key);
    const good = await served(envelope, key.privateKey);
    const badProof = { ...good, logEntry: { ...good.logEntry, hashes: [...good.logEntry.hashes].reverse() } };
    expect(failure(() => verifyPalisadeAttestation(badProof, version, [key.listed])).code).toBe('ATTESTATION_LOG_INCLUSION_INVALID');
    const otherIndex = { ...good, logEntry: { ...good.logEntry, logIndex: 0 } };
    expect(failure(() => verifyPalisadeAttestation(otherIndex, version, [key.listed])).message).toMatch(/not included in the transparency log/);
    const byStranger = await served(envelope, registryKey().privateKey);
    expect(failure(() => verifyPalisadeAttestation(byStranger, version, [key.listed])).message).toMatch(/checkpoint is not signed by a registry key/);
    const otherName = await served(envelope, key.privateKey, 'someone-else');
    expect(failure(() => verifyPalisadeAttestation(otherName, version, [key.listed])).code).toBe('ATTESTATION_LOG_INCLUSION_INVALID');
    const otherLog = await served(envelope, key.privateKey, 'palisade', 'another.example/log');
    expect(failure(() => verifyPalisadeAttestation(otherLog, version, [key.listed])).message).toMatch(/from log another\.example\/log/);
  });

  it('refuses a statement whose predicate type differs from the served one', async () => {
    const attestation = await served(await envelopeFor(version, key), key.privateKey);
    expect(failure(() => verifyPalisadeAttestation({ ...attestation, predicateType: 'https://palisade.dev/attestation/admission/v1' }, version, [key.listed])).code).toBe(
      'ATTESTATION_MALFORMED',
    );
  });

  it('says what a subject mismatch compared', async () => {
    const otherBytes = await served(await envelopeFor({ ...version, integrity: integrityOf('other bytes') }, key), key.privateKey);
    const thrown = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e: unknown) {
        return e;
      }
      return undefined;
    };
    const digest = thrown(() => verifyPalisadeAttestation(otherBytes, version, [key.listed]));
    expect(digest).toBeInstanceOf(AttestationError);
    expect((digest as AttestationError).mismatch).toEqual({
      field: 'sha512',
      expected: createHash('sha512').update('widget bytes').digest('hex'),
      signed: createHash('sha512').update('other bytes').digest('hex'),
    });
    const otherVersion = await served(await envelopeFor({ ...version, version: '9.9.9' }, key), key.privateKey);
    expect((thrown(() => verifyPalisadeAttestation(otherVersion, version, [key.listed])) as AttestationError).mismatch).toEqual({
      field: 'purl',
      expected: 'pkg:npm/%40acme/widget@1.2.3',
      signed: 'pkg:npm/%40acme/widget@9.9.9',
    });
  });

  it('with keys the caller chose, checks the log origin only when asked to', async () => {
    const attestation = await served(await envelopeFor(version, key), key.privateKey, 'palisade', 'another.example/log');
    const trusted = new Map([[key.listed.keyid, createPublicKey(key.privateKey)]]);
    expect(verifyAttestation(attestation, version, trusted).checkpoint.origin).toBe('another.example/log');
    expect(failure(() => verifyAttestation(attestation, version, trusted, { origin: 'palisade' })).code).toBe('ATTESTATION_LOG_INCLUSION_INVALID');
  });
});

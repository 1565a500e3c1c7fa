import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { signCheckpoint } from './checkpoint';
import { leafHash } from './hashing';
import { createInclusionReceipt, verifyInclusionReceipt, type InclusionReceipt } from './inclusion-receipt';
import { createKeyObjectSigner } from './local-signer';
import { MerkleTree } from './merkle-tree';
import { TlogErrorCode, isTransparencyLogError } from './tlog-error';

const ORIGIN = 'palisade.test/log';
const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const publicKey = createPublicKey(key);
const signer = createKeyObjectSigner(ORIGIN, key);
const entries = Array.from({ length: 11 }, (_, i) => Buffer.from(`statement ${i}`));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (e: unknown) {
    return isTransparencyLogError(e) ? e.code : 'not a tlog error';
  }
}

async function setup(): Promise<{ tree: MerkleTree; receipt: InclusionReceipt }> {
  const tree = new MerkleTree(entries.map(leafHash));
  const note = await signCheckpoint({ origin: ORIGIN, treeSize: 9, rootHash: tree.root(9).toString('base64') }, signer);
  return { tree, receipt: createInclusionReceipt(tree, 4, note) };
}

describe('inclusion receipts', () => {
  it('verify against the signed checkpoint they carry, and survive JSON', async () => {
    const { receipt } = await setup();
    expect(receipt).toMatchObject({ logIndex: 4, treeSize: 9 });
    const checkpoint = verifyInclusionReceipt(leafHash(entries[4]), JSON.parse(JSON.stringify(receipt)), publicKey, ORIGIN);
    expect(checkpoint).toEqual({ origin: ORIGIN, treeSize: 9, rootHash: receipt.rootHash });
  });

  it('fail for another entry, an altered path, or a tree head the checkpoint does not sign', async () => {
    const { tree, receipt } = await setup();
    const leaf = leafHash(entries[4]);
    expect(codeOf(() => verifyInclusionReceipt(leafHash(entries[5]), receipt, publicKey, ORIGIN))).toBe(TlogErrorCode.InclusionProofInvalid);
    expect(codeOf(() => verifyInclusionReceipt(leaf, { ...receipt, logIndex: 5 }, publicKey, ORIGIN))).toBe(TlogErrorCode.InclusionProofInvalid);
    const hashes = [...receipt.hashes];
    hashes[1] = tree.leafHash(0).toString('base64');
    expect(codeOf(() => verifyInclusionReceipt(leaf, { ...receipt, hashes }, publicKey, ORIGIN))).toBe(TlogErrorCode.InclusionProofInvalid);
    expect(codeOf(() => verifyInclusionReceipt(leaf, { ...receipt, hashes: ['not base64!'] }, publicKey, ORIGIN))).toBe(
      TlogErrorCode.InclusionProofInvalid,
    );
    // A path to the current root, passed off under the older signed checkpoint.
    const current = { ...receipt, treeSize: 11, rootHash: tree.root().toString('base64'), hashes: tree.inclusionProof(4).map((h) => h.toString('base64')) };
    expect(codeOf(() => verifyInclusionReceipt(leaf, current, publicKey, ORIGIN))).toBe(TlogErrorCode.InclusionProofInvalid);
  });

  it('fail when the checkpoint is not signed by the trusted key', async () => {
    const { receipt } = await setup();
    const stranger = createPublicKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
    expect(codeOf(() => verifyInclusionReceipt(leafHash(entries[4]), receipt, stranger, ORIGIN))).toBe(TlogErrorCode.CheckpointSignatureInvalid);
  });

  it('refuse to build a receipt against a checkpoint of another tree', async () => {
    const { tree } = await setup();
    const other = new MerkleTree(entries.slice(1).map(leafHash));
    const note = await signCheckpoint({ origin: ORIGIN, treeSize: 9, rootHash: other.root(9).toString('base64') }, signer);
    expect(codeOf(() => createInclusionReceipt(tree, 4, note))).toBe(TlogErrorCode.InvalidInput);
    const ahead = await signCheckpoint({ origin: ORIGIN, treeSize: 12, rootHash: other.root(9).toString('base64') }, signer);
    expect(codeOf(() => createInclusionReceipt(tree, 4, ahead))).toBe(TlogErrorCode.InvalidInput);
    const nine = (await setup()).receipt.checkpoint;
    expect(codeOf(() => createInclusionReceipt(tree, 9, nine))).toBe(TlogErrorCode.IndexOutOfRange);
  });
});

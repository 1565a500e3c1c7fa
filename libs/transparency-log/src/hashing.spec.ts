import { createHash } from 'node:crypto';
import { EMPTY_TREE_ROOT, LEAVES, ROOTS } from './__fixtures__/rfc6962-vectors';
import { HASH_SIZE, emptyRoot, leafHash, nodeHash, rootHash } from './hashing';
import { isTransparencyLogError, TlogErrorCode } from './tlog-error';

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('RFC 6962 hashing', () => {
  it('prefixes leaves with 0x00 and inner nodes with 0x01', () => {
    const data = Buffer.from('palisade');
    expect(leafHash(data)).toEqual(sha256(Buffer.from([0]), data));
    const [l, r] = [leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))];
    expect(nodeHash(l, r)).toEqual(sha256(Buffer.from([1]), l, r));
    expect(nodeHash(l, r)).not.toEqual(nodeHash(r, l));
    expect(leafHash(data)).toHaveLength(HASH_SIZE);
  });

  it('gives the empty tree the SHA-256 of the empty string', () => {
    expect(emptyRoot()).toEqual(EMPTY_TREE_ROOT);
    expect(rootHash([])).toEqual(EMPTY_TREE_ROOT);
  });

  it('matches the published roots for 1..8 leaves', () => {
    const hashes = LEAVES.map(leafHash);
    for (let n = 1; n <= 8; n++) {
      expect(rootHash(hashes.slice(0, n)).toString('hex')).toBe(ROOTS[n - 1].toString('hex'));
    }
  });

  it('splits at the largest power of two below n, not in the middle', () => {
    const hashes = LEAVES.slice(0, 7).map(leafHash);
    const [a, b, c, d, e, f, g] = hashes;
    const expected = nodeHash(nodeHash(nodeHash(a, b), nodeHash(c, d)), nodeHash(nodeHash(e, f), g));
    expect(rootHash(hashes)).toEqual(expected);
  });

  it('refuses leaf hashes that are not 32 bytes', () => {
    let caught: unknown;
    try {
      rootHash([Buffer.alloc(31)]);
    } catch (e: unknown) {
      caught = e;
    }
    expect(isTransparencyLogError(caught, TlogErrorCode.InvalidInput)).toBe(true);
  });
});

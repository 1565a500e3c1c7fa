import { createHash } from 'node:crypto';
import { digestStream, integrityProblems, sriAlgorithm } from './tarball-digests';

const bytes = Buffer.from('the tarball bytes');
const sri = (algorithm: string, data: Buffer = bytes) => `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`;

describe('tarball digests', () => {
  it('hashes sha512 and sha1 always, plus the algorithm a claim needs', async () => {
    const digests = await digestStream([bytes.subarray(0, 5), bytes.subarray(5)], ['sha256', 'no-such-hash']);
    expect(digests.size).toBe(bytes.length);
    expect(digests.integrity).toBe(sri('sha512'));
    expect(digests.shasum).toBe(createHash('sha1').update(bytes).digest('hex'));
    expect([...digests.hex.keys()].sort()).toEqual(['sha1', 'sha256', 'sha512']);
  });

  it('accepts a matching claim by its strongest algorithm, and explains a mismatch', async () => {
    const digests = await digestStream([bytes], ['sha256']);
    expect(integrityProblems('dist.integrity', sri('sha512'), digests)).toEqual([]);
    expect(integrityProblems('dist.integrity', sri('sha1'), digests)).toEqual([]);
    expect(integrityProblems('dist.integrity', `${sri('sha256')} ${sri('sha1', Buffer.from('other'))}`, digests)).toEqual([]);
    expect(integrityProblems('dist.integrity', sri('sha512', Buffer.from('other')), digests)).toEqual([
      `dist.integrity is "${sri('sha512', Buffer.from('other'))}", but the tarball's bytes hash to "${sri('sha512')}"`,
    ]);
    expect(integrityProblems('dist.integrity', 'garbage', digests)).toEqual(['dist.integrity "garbage" holds no usable hash']);
    expect(integrityProblems('dist.integrity', 42, digests)).toEqual(['dist.integrity is not a string']);
  });

  it('names the algorithm a claim will be checked with', () => {
    expect(sriAlgorithm(`${sri('sha1')} ${sri('sha512')}`)).toBe('sha512');
    expect(sriAlgorithm(undefined)).toBeUndefined();
  });
});

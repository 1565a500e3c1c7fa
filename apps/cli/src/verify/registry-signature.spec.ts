import { TestRegistryKey, integrityOf, keyMap } from '../__fixtures__/registry-material';
import { checkRegistrySignatures } from './registry-signature';

const integrity = integrityOf(Buffer.from('leaf tarball'));
const key = new TestRegistryKey();
const version = (dist: Record<string, unknown>, publishedAt = '2026-01-01T00:00:00.000Z') => ({ name: '@s/leaf', version: '1.0.0', lockedIntegrity: integrity, dist, publishedAt });

describe('checkRegistrySignatures (as pacote verifies)', () => {
  it('verifies a signature over name@version:integrity', () => {
    expect(checkRegistrySignatures(version({ integrity, signatures: [key.signature('@s/leaf', '1.0.0', integrity)] }), keyMap(key))).toEqual({ status: 'verified', detail: `signed by ${key.keyid}` });
  });

  it('fails an altered signature, a signature over other bytes, and an unknown key', () => {
    const good = key.signature('@s/leaf', '1.0.0', integrity);
    const altered = { ...good, sig: `${good.sig.startsWith('M') ? 'N' : 'M'}${good.sig.slice(1)}` };
    expect(checkRegistrySignatures(version({ integrity, signatures: [altered] }), keyMap(key)).detail).toMatch(/has an invalid registry signature/);
    const forOther = key.signature('@s/leaf', '1.0.1', integrity);
    expect(checkRegistrySignatures(version({ integrity, signatures: [forOther] }), keyMap(key)).status).toBe('invalid');
    expect(checkRegistrySignatures(version({ integrity, signatures: [good] }), keyMap(new TestRegistryKey())).detail).toMatch(/no corresponding public key can be found/);
  });

  it('fails a key that expired before the version was published, not one that expired after', () => {
    const expiring = new TestRegistryKey('2026-06-01T00:00:00.000Z');
    const dist = { integrity, signatures: [expiring.signature('@s/leaf', '1.0.0', integrity)] };
    expect(checkRegistrySignatures(version(dist, '2026-01-01T00:00:00.000Z'), keyMap(expiring)).status).toBe('verified');
    expect(checkRegistrySignatures(version(dist, '2026-07-01T00:00:00.000Z'), keyMap(expiring)).detail).toMatch(/public key has expired 2026-06-01/);
  });

  it('fails when the registry serves other bytes than the lockfile installed, and reports missing signatures', () => {
    const other = integrityOf(Buffer.from('other'));
    expect(checkRegistrySignatures(version({ integrity: other, signatures: [key.signature('@s/leaf', '1.0.0', other)] }), keyMap(key)).detail).toMatch(/the lockfile installed/);
    expect(checkRegistrySignatures(version({ integrity }), keyMap(key))).toEqual({ status: 'missing', detail: '@s/leaf@1.0.0 has no registry signature' });
  });
});

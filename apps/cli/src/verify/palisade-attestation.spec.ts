import { TestRegistryKey, integrityOf, keyMap, loggedAttestation, statementFor } from '../__fixtures__/registry-material';
import { checkPalisadeAttestation } from './palisade-attestation';

const integrity = integrityOf(Buffer.from('mid tarball'));
const pkg = { name: '@s/mid', version: '2.0.0', integrity };
const key = new TestRegistryKey();

describe('checkPalisadeAttestation', () => {
  it('verifies signature, subject and log inclusion', async () => {
    const att = await loggedAttestation(key, statementFor('@s/mid', '2.0.0', integrity));
    expect(checkPalisadeAttestation(JSON.parse(JSON.stringify(att)), pkg, keyMap(key))).toEqual({ status: 'verified', detail: `signed by ${key.keyid}, log entry 2 of 5` });
  });

  it('accepts a checkpoint signed by another registry key (after a rotation)', async () => {
    const older = new TestRegistryKey();
    const att = await loggedAttestation(older, statementFor('@s/mid', '2.0.0', integrity), key);
    expect(checkPalisadeAttestation(att, pkg, keyMap(older, key)).status).toBe('verified');
  });

  it('fails a statement about another package or other bytes', async () => {
    const other = await loggedAttestation(key, statementFor('@s/other', '2.0.0', integrity));
    expect(checkPalisadeAttestation(other, pkg, keyMap(key)).detail).toContain("pkg:npm/%40s/mid@2.0.0 doesn't match what was signed: pkg:npm/%40s/other@2.0.0");
    const bytes = await loggedAttestation(key, statementFor('@s/mid', '2.0.0', integrityOf(Buffer.from('x'))));
    expect(checkPalisadeAttestation(bytes, pkg, keyMap(key)).detail).toContain('package integrity (hex digest)');
  });

  it('fails a signature by an unknown key or over another payload', async () => {
    const att = await loggedAttestation(new TestRegistryKey(), statementFor('@s/mid', '2.0.0', integrity));
    expect(checkPalisadeAttestation(att, pkg, keyMap(key)).detail).toContain('no signature verifies with a registry key');
    const good = await loggedAttestation(key, statementFor('@s/mid', '2.0.0', integrity));
    const swapped = { ...good, envelope: { ...good.envelope, payload: key.envelope(statementFor('@s/mid', '2.0.1', integrity)).payload } };
    expect(checkPalisadeAttestation(swapped, pkg, keyMap(key)).status).toBe('invalid');
  });

  it('fails an envelope that is not the logged one, or an altered proof', async () => {
    const att = await loggedAttestation(key, statementFor('@s/mid', '2.0.0', integrity));
    // Same statement signed again: a valid signature, but not the logged leaf.
    const resigned = { ...att, envelope: key.envelope(statementFor('@s/mid', '2.0.0', integrity)) };
    expect(checkPalisadeAttestation(resigned, pkg, keyMap(key)).detail).toContain('not proven to be in the transparency log');
    const altered = { ...att, logEntry: { ...att.logEntry, hashes: [Buffer.alloc(32, 7).toString('base64'), ...att.logEntry.hashes.slice(1)] } };
    expect(checkPalisadeAttestation(altered, pkg, keyMap(key)).status).toBe('invalid');
  });

  it('fails what is not a DSSE envelope of an in-toto statement about the served predicate type', async () => {
    const att = await loggedAttestation(key, statementFor('@s/mid', '2.0.0', integrity));
    const notEnvelope = { ...att, envelope: { payloadType: 'x' } } as unknown as typeof att;
    expect(checkPalisadeAttestation(notEnvelope, pkg, keyMap(key)).detail).toBe(`@s/mid@2.0.0 attestation ${att.predicateType}: not a DSSE envelope: payloadType and payload must be strings`);
    expect(checkPalisadeAttestation({ ...att, predicateType: 'https://palisade.dev/attestation/admission/v1' }, pkg, keyMap(key)).detail).toContain(
      "the signed statement's predicate type is https://palisade.dev/attestation/publish/v1",
    );
  });
});

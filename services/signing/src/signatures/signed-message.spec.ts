import { createHash } from 'node:crypto';
import { signedMessage } from './signed-message';

describe('signedMessage', () => {
  const integrity = `sha512-${createHash('sha512').update('x').digest('base64')}`;

  it('is name@version:integrity, scoped names included', () => {
    expect(signedMessage('@s/pkg', '1.0.0', integrity)).toBe(`@s/pkg@1.0.0:${integrity}`);
  });

  it('refuses integrity that pacote would re-stringify differently', () => {
    expect(() => signedMessage('p', '1.0.0', `${integrity} sha1-${createHash('sha1').update('x').digest('base64')}`)).toThrow(expect.objectContaining({ code: 'SIGNING_EVENT_INVALID' }));
    expect(() => signedMessage('p', '1.0.0', `sha1-${createHash('sha1').update('x').digest('base64')}`)).toThrow(expect.objectContaining({ code: 'SIGNING_EVENT_INVALID' }));
  });
});

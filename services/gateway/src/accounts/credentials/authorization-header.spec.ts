import { parseAuthorization } from './authorization-header';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('parseAuthorization', () => {
  it('reads bearer tokens case-insensitively', () => {
    expect(parseAuthorization('Bearer pal_abc')).toEqual({ kind: 'bearer', token: 'pal_abc' });
    expect(parseAuthorization('bearer   pal_abc ')).toEqual({ kind: 'bearer', token: 'pal_abc' });
  });

  it('reads basic credentials; the password may contain colons', () => {
    expect(parseAuthorization(basic('alice:pa:ss'))).toEqual({ kind: 'basic', user: 'alice', password: 'pa:ss' });
  });

  it.each([undefined, '', 'Bearer', 'Token abc', 'Bearer a b', basic('no-colon'), basic(':nouser')])('ignores %j', (header) => {
    expect(parseAuthorization(header)).toBeUndefined();
  });
});

import { parseVersionSpec } from './version-spec';

describe('parseVersionSpec', () => {
  it('reads plain and scoped names in their path forms', () => {
    expect(parseVersionSpec('left-pad@1.3.0')).toEqual({ name: 'left-pad', version: '1.3.0' });
    expect(parseVersionSpec('@scope/name@1.0.0')).toEqual({ name: '@scope/name', version: '1.0.0' });
    expect(parseVersionSpec('%40scope%2fname@1.0.0')).toEqual({ name: '@scope/name', version: '1.0.0' });
    expect(parseVersionSpec('@scope%2Fname%401.0.0-rc.1%2Bb5')).toEqual({ name: '@scope/name', version: '1.0.0-rc.1+b5' });
  });

  it('refuses what is not name@version', () => {
    for (const bad of ['left-pad', '@scope/name', '@scope/name@', 'a/b@1.0.0', '@scope@1.0.0', '%E0%A4%A@1', 'x@1.0.0/extra', '']) {
      expect({ bad, parsed: parseVersionSpec(bad) }).toEqual({ bad, parsed: undefined });
    }
  });
});

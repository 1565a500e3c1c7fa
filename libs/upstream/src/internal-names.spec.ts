import { isInternalName } from './internal-names';

describe('isInternalName', () => {
  it('matches names in an internal scope only', () => {
    expect(isInternalName('@acme/ui', ['@acme'])).toBe(true);
    expect(isInternalName('@ACME/ui', ['@acme'])).toBe(true);
    expect(isInternalName('@acme-tools/ui', ['@acme'])).toBe(false);
    expect(isInternalName('acme', ['@acme'])).toBe(false);
    expect(isInternalName('@other/ui', [])).toBe(false);
  });
});

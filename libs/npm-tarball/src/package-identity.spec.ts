import { validatePackageName, validateVersion } from './index';

describe('validatePackageName', () => {
  it.each(['demo', '@acme/demo', 'a.b-c_d', 'x'])('accepts %s', (name) => {
    expect(validatePackageName(name)).toEqual([]);
  });

  it.each([
    ['', 'length'],
    ['Demo', 'capital'],
    ['.hidden', 'period'],
    ['node_modules', 'not a valid package name'],
    ['has space', 'URL-friendly'],
    ['@acme/../x', 'URL-friendly'],
    ['http', 'core module'],
  ])('refuses %p and says why', (name, why) => {
    const problems = validatePackageName(name);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join(' ')).toContain(why);
  });

  it('accepts names taken before npm\'s current rules when reading an existing package, and still refuses broken ones', () => {
    for (const name of ['punycode', 'JSONStream', 'http']) expect(validatePackageName(name, 'existing')).toEqual([]);
    for (const name of ['', '.hidden', 'has space', '@acme/../x']) expect(validatePackageName(name, 'existing').length).toBeGreaterThan(0);
  });
});

describe('validateVersion', () => {
  it.each(['1.0.0', '0.0.1-alpha.1', '10.20.30-rc.1'])('accepts %s', (version) => {
    expect(validateVersion(version)).toEqual([]);
  });

  it.each([
    ['', 'empty'],
    ['1.0', 'not a valid semver'],
    ['latest', 'not a valid semver'],
    ['v1.0.0', 'publish it as "1.0.0"'],
    ['=1.0.0', 'not a valid semver'],
    ['1.0.0+build.5', 'publish it as "1.0.0"'],
    [' 1.0.0', 'publish it as "1.0.0"'],
  ])('refuses %p', (version, why) => {
    expect(validateVersion(version).join(' ')).toContain(why);
  });
});

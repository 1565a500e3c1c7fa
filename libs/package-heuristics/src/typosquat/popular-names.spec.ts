import { popularNames, topNamesFromTsv } from './popular-names';

describe('popular names', () => {
  it('takes the most-downloaded names from a TSV with a header', () => {
    const tsv = 'name\tversion\tdownloads_a_month\tsummary\nb\t1.0.0\t50\tx\na\t2.0.0\t900\ty\nc\t1.0.0\tnot-a-number\tz\nd\t1.0.0\t50\tw\n';
    expect(topNamesFromTsv(tsv, 2)).toEqual(['a', 'b']);
    expect(topNamesFromTsv(tsv, 10)).toEqual(['a', 'b', 'd']);
    expect(() => topNamesFromTsv('pkg\tcount\n', 1)).toThrow(/downloads_a_month/);
  });

  it('ships a list of about 3000 names, most popular first', () => {
    const { names, known } = popularNames();
    expect(names.length).toBeGreaterThanOrEqual(2500);
    expect(known.size).toBeGreaterThan(names.length);
    expect(['lodash', 'react', '@types/node'].every((name) => names.includes(name))).toBe(true);
    expect(known.has('bcrypt') && !names.includes('bcrypt')).toBe(true);
    expect(names.indexOf('semver')).toBeLessThan(names.indexOf('esbuild'));
  });
});

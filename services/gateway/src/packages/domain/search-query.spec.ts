import { containsPattern, parseSearchText } from './search-query';

describe('parseSearchText', () => {
  it('splits words from the qualifiers npm search supports', () => {
    expect(parseSearchText('react  keywords:ui,forms scope:@acme maintainer:alice author:bob boost-exact:false')).toEqual({
      terms: ['react', 'bob'],
      keywords: ['ui', 'forms'],
      scope: 'acme',
      maintainer: 'alice',
    });
    expect(parseSearchText('')).toEqual({ terms: [], keywords: [] });
  });

  it('escapes LIKE wildcards', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});

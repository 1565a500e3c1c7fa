import { MAX_SEARCH_TERMS, MAX_SEARCH_TEXT, containsPattern, parseSearchText } from './search-query';

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

  it('refuses text longer than the cap, and more words or keywords than the cap, with 400', () => {
    expect(() => parseSearchText('a'.repeat(MAX_SEARCH_TEXT + 1))).toThrow(expect.objectContaining({ code: 'PAL_ERR_BAD_REQUEST', status: 400 }));
    const words = Array.from({ length: MAX_SEARCH_TERMS + 1 }, (_, i) => `w${i}`).join(' ');
    expect(() => parseSearchText(words)).toThrow(expect.objectContaining({ code: 'PAL_ERR_BAD_REQUEST' }));
    expect(() => parseSearchText(`keywords:${Array.from({ length: MAX_SEARCH_TERMS + 1 }, (_, i) => `k${i}`).join(',')}`)).toThrow(/at most/);
    expect(parseSearchText(Array.from({ length: MAX_SEARCH_TERMS }, (_, i) => `w${i}`).join(' ')).terms).toHaveLength(MAX_SEARCH_TERMS);
  });
});

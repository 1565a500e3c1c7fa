/** `npm search` text: plain words plus the qualifiers worth honouring in a private registry. */
export interface SearchQuery {
  /** Every word must match the name, description or keywords. */
  terms: string[];
  keywords: string[];
  scope?: string;
  maintainer?: string;
}

export function parseSearchText(text: string): SearchQuery {
  const query: SearchQuery = { terms: [], keywords: [] };
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const colon = word.indexOf(':');
    const qualifier = colon > 0 ? word.slice(0, colon).toLowerCase() : '';
    const value = colon > 0 ? word.slice(colon + 1) : word;
    if (qualifier === 'keywords') query.keywords.push(...value.split(',').filter(Boolean));
    else if (qualifier === 'scope') query.scope = value.replace(/^@/, '');
    else if (qualifier === 'maintainer') query.maintainer = value;
    else if (qualifier === 'boost-exact' || qualifier === 'is' || qualifier === 'not') continue; // ranking hints: nothing to filter
    else if (qualifier === 'author') query.terms.push(value);
    else query.terms.push(word);
  }
  return query;
}

/** A LIKE pattern matching `value` anywhere, with LIKE's wildcards taken literally. */
export function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

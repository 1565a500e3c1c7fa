import { RegistryHttpError } from '../../http/registry-errors';

/** `npm search` text: plain words plus the qualifiers worth honouring in a private registry. */
export interface SearchQuery {
  /** Every word must match the name, description or keywords. */
  terms: string[];
  keywords: string[];
  scope?: string;
  maintainer?: string;
}

/** Longest `text` a search takes (npm's own queries are a few words). */
export const MAX_SEARCH_TEXT = 256;
/** Most words and keywords a search takes: each one is a condition of the query. */
export const MAX_SEARCH_TERMS = 10;

/**
 * Parses and bounds a search: longer text or more terms is refused with 400 (not truncated,
 * so a client never gets results for a question it did not ask).
 */
export function parseSearchText(text: string): SearchQuery {
  if (text.length > MAX_SEARCH_TEXT) {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `search text may be at most ${MAX_SEARCH_TEXT} characters`);
  }
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
  if (query.terms.length + query.keywords.length > MAX_SEARCH_TERMS) {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `a search may have at most ${MAX_SEARCH_TERMS} words and keywords`);
  }
  return query;
}

/** A LIKE pattern matching `value` anywhere, with LIKE's wildcards taken literally. */
export function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Shape of `data/popular-names.json` (see scripts/refresh-popular-names.ts). */
export interface PopularNamesFile {
  source: string;
  generated: string;
  /** Typosquat targets, most-downloaded first. */
  names: string[];
  /** The next most-downloaded names: never targets, but never reported as imitations either. */
  alsoKnown: string[];
}

export interface PopularNames {
  /** Typosquat targets, most-downloaded first. */
  names: readonly string[];
  /** Every shipped name (targets and known ones): an exact match is a real, established package. */
  known: ReadonlySet<string>;
}

let cached: PopularNames | undefined;

/** The popular public package names shipped with the library (loaded once). */
export function popularNames(): PopularNames {
  if (!cached) {
    // src/typosquat and dist/typosquat are both two levels below the library folder that holds data/.
    const file = JSON.parse(readFileSync(join(__dirname, '..', '..', 'data', 'popular-names.json'), 'utf8')) as PopularNamesFile;
    cached = { names: file.names, known: new Set([...file.names, ...file.alsoKnown]) };
  }
  return cached;
}

/**
 * Reads a TSV with a header row holding `name` and `downloads_a_month` columns and returns the
 * `limit` most-downloaded names (ties broken by name, for a stable file).
 */
export function topNamesFromTsv(tsv: string, limit: number): string[] {
  const lines = tsv.split(/\r?\n/);
  const header = lines[0]?.split('\t') ?? [];
  const nameColumn = header.indexOf('name');
  const downloadsColumn = header.indexOf('downloads_a_month');
  if (nameColumn === -1 || downloadsColumn === -1) throw new Error('the TSV needs a header row with "name" and "downloads_a_month" columns');
  const rows: { name: string; downloads: number }[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const columns = line.split('\t');
    const name = columns[nameColumn]?.trim();
    const downloads = Number(columns[downloadsColumn]);
    if (name && Number.isFinite(downloads)) rows.push({ name, downloads });
  }
  rows.sort((a, b) => b.downloads - a.downloads || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...new Set(rows.slice(0, limit).map((row) => row.name))];
}

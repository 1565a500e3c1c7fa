import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fixture file's text by name; see `__fixtures__/README.md` for how each was made. */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, name), 'utf8');
}

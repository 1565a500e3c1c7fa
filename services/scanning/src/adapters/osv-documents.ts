import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import yauzl from 'yauzl';
import { isZip, localCopy, magicBytes } from './data-source';

/** One JSON document of an OSV feed, named for error reports. */
export interface OsvDocument {
  origin: string;
  /** Parsed JSON (a record, or something the parser will reject). */
  value: unknown;
}

/**
 * The OSV documents of a source: an ecosystem `all.zip` (one `<ID>.json` per entry), a folder of
 * JSON files (searched recursively, as in the advisory-database layout), one JSON file (a record
 * or an array of records), or an http(s) URL of a zip or JSON file.
 */
export async function* osvDocuments(source: string): AsyncGenerator<OsvDocument> {
  const copy = await localCopy(source);
  try {
    const info = await stat(copy.path);
    if (info.isDirectory()) yield* folderDocuments(copy.path);
    else if (isZip(await magicBytes(copy.path))) yield* zipDocuments(copy.path);
    else yield* jsonDocuments(source, await readFile(copy.path, 'utf8'));
  } finally {
    await copy.release();
  }
}

function* jsonDocuments(origin: string, body: string): Generator<OsvDocument> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    yield { origin, value: undefined };
    return;
  }
  if (Array.isArray(value)) for (const [i, item] of value.entries()) yield { origin: `${origin}[${i}]`, value: item };
  else yield { origin, value };
}

async function* folderDocuments(root: string): AsyncGenerator<OsvDocument> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => join(e.parentPath ?? root, e.name));
  files.sort();
  for (const file of files) yield* jsonDocuments(file, await readFile(file, 'utf8'));
}

async function* zipDocuments(path: string): AsyncGenerator<OsvDocument> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: true });
  try {
    const entries = entryIterator(zip);
    for await (const entry of entries) {
      if (!entry.fileName.endsWith('.json') || entry.fileName.endsWith('/')) continue;
      const body = await text(await zip.openReadStreamPromise(entry));
      yield* jsonDocuments(entry.fileName, body);
    }
  } finally {
    zip.close();
  }
}

/** yauzl's event API as an async iterator (one entry at a time, lazily). */
async function* entryIterator(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  let done = false;
  let failure: unknown;
  let waiting: ((entry: yauzl.Entry | undefined) => void) | undefined;
  zip.on('entry', (entry: yauzl.Entry) => waiting?.(entry));
  zip.on('end', () => {
    done = true;
    waiting?.(undefined);
  });
  zip.on('error', (error: unknown) => {
    failure = error;
    waiting?.(undefined);
  });
  for (;;) {
    const next = new Promise<yauzl.Entry | undefined>((resolve) => (waiting = resolve));
    if (done) return;
    zip.readEntry();
    const entry = await next;
    if (failure) throw failure;
    if (entry === undefined) return;
    yield entry;
  }
}

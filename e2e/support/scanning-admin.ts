import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@palisade/testing';
import type { Stack } from './stack';

/** The admin token the e2e stacks give the scanning service (PALISADE_SCANNING_ADMIN_TOKEN). */
export const SCANNING_TOKEN = 'e2e-scanning-admin-token';

/** The scanning service's own URL, from its start line (both modes log one per service). */
export async function scanningUrl(stack: Stack): Promise<string> {
  for (const child of stack.processes()) {
    const line = await child.waitForLine(/"msg":"scanning started"/, 1_000).catch(() => undefined);
    const url = line ? /"url":"([^"]+)"/.exec(line)?.[1] : undefined;
    if (url) return url;
  }
  throw new Error('the scanning service did not log its URL');
}

/** Imports OSV records through the scanning admin API, as a feed folder would bring them; answers the import report. */
export async function importOsv(scanning: string, records: ReadonlyArray<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const feed = await tempDir('e2e-osv-');
  await mkdir(join(feed, 'npm'));
  for (const record of records) await writeFile(join(feed, 'npm', `${String(record.id)}.json`), JSON.stringify(record));
  const imported = await fetch(`${scanning}/-/palisade/v1/scanning/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SCANNING_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'osv', source: feed }),
  });
  if (imported.status !== 200) throw new Error(`advisory import answered ${imported.status}: ${await imported.text()}`);
  return (await imported.json()) as Record<string, unknown>;
}

import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runCleanups, tempDir } from '@palisade/testing';
import { makeZip } from '../__fixtures__/zip-file';
import { osvDocuments } from './osv-documents';

const OSV_FIXTURES = resolve(__dirname, '../../../../libs/osv/src/__fixtures__/osv');

async function ids(source: string): Promise<string[]> {
  const out: string[] = [];
  for await (const document of osvDocuments(source)) out.push((document.value as { id: string }).id);
  return out.sort();
}

describe('OSV sources', () => {
  afterAll(runCleanups);

  it('reads the same records from a folder, an all.zip, a JSON array file and over http', async () => {
    const files = (await readdir(OSV_FIXTURES)).filter((f) => f.endsWith('.json'));
    const expected = await ids(OSV_FIXTURES);
    expect(expected).toHaveLength(files.length);

    const dir = await tempDir('osv-sources-');
    const zip = join(dir, 'all.zip');
    await writeFile(zip, makeZip(await Promise.all(files.map(async (f) => ({ name: f, content: await readFile(join(OSV_FIXTURES, f)) })))));
    expect(await ids(zip)).toEqual(expected);

    const array = join(dir, 'records.json');
    await writeFile(array, JSON.stringify(await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(OSV_FIXTURES, f), 'utf8')) as unknown))));
    expect(await ids(array)).toEqual(expected);

    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => void readFile(zip).then((body) => res.end(body)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      expect(await ids(`http://127.0.0.1:${port}/npm/all.zip`)).toEqual(expected);
    } finally {
      server.close();
    }
  });

  it('refuses a missing path with a stable code', async () => {
    await expect(ids('/nonexistent/osv.zip')).rejects.toMatchObject({ code: 'SCANNING_SOURCE_NOT_FOUND' });
  });
});

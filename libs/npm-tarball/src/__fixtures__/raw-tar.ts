import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';

/** One archive entry written verbatim: no path cleaning, so tests can build hostile archives. */
export interface RawEntry {
  path: string;
  type?: NonNullable<HeaderData['type']>;
  body?: string | Buffer;
  linkpath?: string;
}

/** A tar archive (uncompressed) holding exactly the given entries, in order. */
export function rawTar(entries: readonly RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.body === undefined ? Buffer.alloc(0) : Buffer.from(entry.body);
    const block = Buffer.alloc(512);
    new Header({ path: entry.path, type: entry.type ?? 'File', size: body.length, mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), linkpath: entry.linkpath }).encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function rawTgz(entries: readonly RawEntry[]): Buffer {
  return gzipSync(rawTar(entries));
}

/** A `.tgz` with every file under `package/`, as `npm pack` lays it out. */
export function packageTgz(files: Readonly<Record<string, string | Buffer>>, root = 'package'): Buffer {
  return rawTgz(Object.entries(files).map(([path, body]) => ({ path: `${root}/${path}`, body })));
}

export function manifestJson(fields: Readonly<Record<string, unknown>> = {}): string {
  return JSON.stringify({ name: 'demo', version: '1.0.0', ...fields });
}

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import ssri from 'ssri';

/** One file of a hand-made tarball; `type: '2'` makes a symlink to `linkTarget`. */
export interface TarEntry {
  path: string;
  content?: string;
  /** A file of this many zero bytes instead of `content` (compresses about a thousandfold). */
  zeros?: number;
  type?: '0' | '2';
  linkTarget?: string;
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(512, 0);
  block.write(entry.path, 0, 100, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  block.write('        ', 148);
  block.write(entry.type ?? '0', 156);
  if (entry.linkTarget) block.write(entry.linkTarget, 157, 100, 'utf8');
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

/**
 * A gzipped tar built byte by byte, so tests can make the tarballs no well-behaved packer makes
 * (`../` paths, escaping links) next to ordinary ones.
 */
export function makeTarball(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.zeros !== undefined ? Buffer.alloc(entry.zeros, 0) : Buffer.from(entry.content ?? '', 'utf8');
    blocks.push(header(entry, entry.type === '2' ? 0 : data.length));
    if (entry.type !== '2') blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(blocks));
}

export function integrityOf(bytes: Buffer): string {
  return ssri.fromData(bytes, { algorithms: ['sha512'] }).toString();
}

/** The body `npm publish` sends (libnpmpublish), for a tarball and its manifest. */
export function publishBody(manifest: Record<string, unknown> & { name: string; version: string }, tarball: Buffer, overrides: { integrity?: string } = {}): Record<string, unknown> {
  const integrity = overrides.integrity ?? integrityOf(tarball);
  const shasum = createHash('sha1').update(tarball).digest('hex');
  const file = `${manifest.name}-${manifest.version}.tgz`;
  return {
    _id: manifest.name,
    name: manifest.name,
    'dist-tags': { latest: manifest.version },
    versions: {
      [manifest.version]: { ...manifest, _id: `${manifest.name}@${manifest.version}`, dist: { integrity, shasum, tarball: `http://unused/${file}` } },
    },
    access: null,
    _attachments: { [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } },
  };
}

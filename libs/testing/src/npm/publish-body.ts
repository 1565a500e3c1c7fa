import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as ssri from 'ssri';
import * as tar from 'tar';

/** One file of a hand-made tarball; `type: '2'` makes a symlink to `linkTarget`. */
export interface TarEntry {
  path: string;
  content?: string | Buffer;
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
    const data = entry.zeros !== undefined ? Buffer.alloc(entry.zeros, 0) : typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : (entry.content ?? Buffer.alloc(0));
    blocks.push(header(entry, entry.type === '2' ? 0 : data.length));
    if (entry.type !== '2') blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(blocks));
}

/** A real npm tarball (`package/package.json` + `package/index.js`), as `npm pack` makes one. */
export async function packTarball(manifest: Record<string, unknown>, extraBytes = 0): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'pal-pack-'));
  try {
    await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    // Random bytes do not compress: `extraBytes` makes the tarball at least that large.
    await writeFile(join(dir, 'index.js'), `module.exports = ${JSON.stringify(randomBytes(16).toString('hex'))};\n`);
    const files = ['package.json', 'index.js'];
    if (extraBytes > 0) {
      await writeFile(join(dir, 'blob.bin'), randomBytes(extraBytes));
      files.push('blob.bin');
    }
    const chunks: Buffer[] = [];
    for await (const chunk of tar.c({ gzip: true, portable: true, prefix: 'package/', cwd: dir }, files)) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function integrityOf(bytes: Buffer): string {
  return ssri.fromData(bytes, { algorithms: ['sha512'] }).toString();
}

export interface PublishBodyOptions {
  /** The dist-tag the publish sets; `latest` unless given. */
  tag?: string;
  /** Overrides of `dist` (e.g. a wrong integrity). */
  dist?: Record<string, unknown>;
  /** The attachment's declared length, when it should lie. */
  length?: number;
  /** A sigstore bundle (JSON text) attached beside the tarball, as `npm publish --provenance` does. */
  sigstore?: string;
}

/** The body `npm publish` sends (libnpmpublish), for a tarball and its manifest. */
export function publishBody(
  manifest: Record<string, unknown> & { name: string; version: string },
  tarball: Buffer,
  options: PublishBodyOptions = {},
): Record<string, unknown> {
  const { name, version } = manifest;
  const file = `${name}-${version}.tgz`;
  const shasum = createHash('sha1').update(tarball).digest('hex');
  const attachments: Record<string, unknown> = {
    [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: options.length ?? tarball.length },
  };
  if (options.sigstore) attachments[`${name}-${version}.sigstore`] = { content_type: 'application/vnd.dev.sigstore.bundle.v0.3+json', data: options.sigstore, length: options.sigstore.length };
  return {
    _id: name,
    name,
    description: manifest.description,
    'dist-tags': { [options.tag ?? 'latest']: version },
    versions: {
      [version]: { ...manifest, _id: `${name}@${version}`, dist: { integrity: integrityOf(tarball), shasum, tarball: `http://localhost/${name}/-/${file}`, ...options.dist } },
    },
    access: null,
    _attachments: attachments,
  };
}

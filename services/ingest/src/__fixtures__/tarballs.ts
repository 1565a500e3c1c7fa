import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as ssri from 'ssri';
import * as tar from 'tar';

/** A real `.tgz` made by the `tar` package from files on disk, laid out as `npm pack` does (`package/...`). */
export async function npmPack(files: Readonly<Record<string, string | Buffer>>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'ingest-pack-'));
  try {
    for (const [path, body] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), body);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of tar.c({ gzip: true, portable: true, prefix: 'package/', cwd: dir }, Object.keys(files).sort())) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A `.tgz` whose entries are written verbatim (no path cleaning), for hostile archives. */
export function craftedTgz(entries: ReadonlyArray<{ path: string; body?: string; type?: 'File' | 'SymbolicLink'; linkpath?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = Buffer.alloc(512);
    new tar.Header({ path: entry.path, type: entry.type ?? 'File', size: body.length, mode: 0o644, mtime: new Date(0), linkpath: entry.linkpath }).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** The version object `npm publish` would send for `packageJson` and these tarball bytes. */
export function publishedManifest(packageJson: Readonly<Record<string, unknown>>, bytes: Buffer, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const integrity = ssri.fromData(bytes, { algorithms: ['sha512', 'sha1'] });
  return {
    ...packageJson,
    _id: `${String(packageJson.name)}@${String(packageJson.version)}`,
    _nodeVersion: '20.20.2',
    _npmVersion: '11.19.1',
    // npm sends these; ingest must ignore client claims about who published and what is inside
    _npmUser: { name: 'someone-else' },
    hasInstallScript: false,
    dist: {
      integrity: integrity.sha512[0].toString(),
      shasum: (integrity.sha1[0] as ssri.Hash).hexDigest(),
      tarball: `http://registry.invalid/${String(packageJson.name)}/-/x.tgz`,
    },
    ...extra,
  };
}

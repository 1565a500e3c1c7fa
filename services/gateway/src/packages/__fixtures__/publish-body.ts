import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ssri from 'ssri';
import * as tar from 'tar';

/** A real npm tarball (`package/package.json` + `package/index.js`), as `npm pack` makes one. */
export async function packTarball(manifest: Record<string, unknown>, extraBytes = 0): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'gw-pack-'));
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

export interface PublishOptions {
  tag?: string;
  manifest?: Record<string, unknown>;
  /** Overrides of `dist` (e.g. a wrong integrity). */
  dist?: Record<string, unknown>;
  length?: number;
  sigstore?: string;
}

/** The body libnpmpublish sends for `npm publish` of `name@version` with `tarball`. */
export function publishBody(name: string, version: string, tarball: Buffer, options: PublishOptions = {}): Record<string, unknown> {
  const manifest = { name, version, description: `${name} does things`, main: 'index.js', ...options.manifest };
  const integrity = ssri.fromData(tarball, { algorithms: ['sha512'] }).toString();
  const shasum = createHash('sha1').update(tarball).digest('hex');
  const tag = options.tag ?? 'latest';
  const attachments: Record<string, unknown> = {
    [`${name}-${version}.tgz`]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: options.length ?? tarball.length },
  };
  if (options.sigstore) attachments[`${name}-${version}.sigstore`] = { content_type: 'application/vnd.dev.sigstore.bundle.v0.3+json', data: options.sigstore, length: options.sigstore.length };
  return {
    _id: name,
    name,
    description: manifest.description,
    'dist-tags': { [tag]: version },
    versions: {
      [version]: {
        ...manifest,
        _id: `${name}@${version}`,
        _nodeVersion: '20.20.2',
        _npmVersion: '11.0.0',
        readme: `# ${name}\n`,
        dist: { integrity, shasum, tarball: `http://localhost/${name}/-/${name}-${version}.tgz`, ...options.dist },
      },
    },
    access: null,
    _attachments: attachments,
  };
}

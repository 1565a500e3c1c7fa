import type { TarballInspection } from '@palisade/npm-tarball';
import { buildRecordedManifest } from './recorded-manifest';
import type { TarballDigests } from './tarball-digests';

const digests: TarballDigests = { size: 10, hex: new Map(), integrity: 'sha512-abc', shasum: 'f00' };
const inspection: TarballInspection = {
  packageJson: { name: 'demo', version: '1.0.0' },
  root: 'package',
  files: ['package.json', 'README.md'],
  fileCount: 2,
  unpackedSize: 123,
  hasInstallScript: true,
  hasShrinkwrap: true,
  readme: { filename: 'README.md', text: '# from the tarball' },
};

function build(manifest: Record<string, unknown>) {
  return buildRecordedManifest({ manifest: { name: 'demo', version: '1.0.0', ...manifest }, name: 'demo', version: '1.0.0', digests, inspection, publisherPrincipal: 'alice' });
}

describe('buildRecordedManifest', () => {
  it('computes what describes the bytes and who published, whatever the client claimed', () => {
    const recorded = build({
      dist: { integrity: 'sha512-lie', shasum: 'lie', tarball: 'http://elsewhere.invalid/x.tgz', signatures: [] },
      hasInstallScript: false,
      _npmUser: { name: 'mallory' },
      _hasShrinkwrap: false,
      _attachments: { x: {} },
      _npmVersion: '11.19.1',
      description: 'kept',
    });
    expect(recorded).toEqual({
      name: 'demo',
      version: '1.0.0',
      description: 'kept',
      _npmVersion: '11.19.1',
      _id: 'demo@1.0.0',
      _npmUser: { name: 'alice' },
      _hasShrinkwrap: true,
      hasInstallScript: true,
      dist: { integrity: 'sha512-abc', shasum: 'f00', fileCount: 2, unpackedSize: 123 },
      readme: '# from the tarball',
      readmeFilename: 'README.md',
    });
  });

  it('takes the readme from the tarball only: a client readme (an 11 MiB one too) is ignored', () => {
    expect(build({ readme: 'mine', readmeFilename: 'MINE.md' })).toMatchObject({ readme: '# from the tarball', readmeFilename: 'README.md' });
    expect(build({ readme: 'x'.repeat(11 * 1024 * 1024) }).readme).toBe('# from the tarball');
    const bare = buildRecordedManifest({ manifest: { name: 'demo', version: '1.0.0', readme: 'not in the package' }, name: 'demo', version: '1.0.0', digests, inspection: { ...inspection, readme: undefined } });
    expect(bare).not.toHaveProperty('readme');
    expect(bare).not.toHaveProperty('readmeFilename');
  });
});

import { tarballUrl, versionOfTarballFile } from './tarball-file';

describe('tarball files', () => {
  it('builds URLs with the literal scope slash and the unscoped file name', () => {
    expect(tarballUrl('http://h:1/prod', '@s/pkg', '1.0.0')).toBe('http://h:1/prod/@s/pkg/-/pkg-1.0.0.tgz');
    expect(tarballUrl('http://h:1', 'pkg', '1.0.0-rc.1')).toBe('http://h:1/pkg/-/pkg-1.0.0-rc.1.tgz');
  });

  it('reads the version back from a file name of that package only', () => {
    expect(versionOfTarballFile('@s/pkg', 'pkg-1.2.3.tgz')).toBe('1.2.3');
    expect(versionOfTarballFile('my-pkg', 'my-pkg-1.2.3-beta.1.tgz')).toBe('1.2.3-beta.1');
    expect(versionOfTarballFile('pkg', 'other-1.0.0.tgz')).toBeUndefined();
    expect(versionOfTarballFile('pkg', 'pkg-.tgz')).toBeUndefined();
    expect(versionOfTarballFile('pkg', 'pkg-1.0.0.tar')).toBeUndefined();
  });
});

import { type PackageSpec, analyze, findingsOf } from '../__fixtures__/package-builder';

function pe(): Buffer {
  const bytes = Buffer.alloc(256);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}
const elf = () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(56).fill(0)]);

describe('native-binary rules', () => {
  it('notes binaries of packages that build native code as info', () => {
    const specs: PackageSpec[] = [
      { files: { 'binding.gyp': '{}', 'build/Release/addon.node': elf() } },
      { files: { 'prebuilds/linux-x64/addon.node': elf() } },
      { manifest: { os: ['linux'], cpu: ['x64'] }, files: { 'bin/tool': elf() } },
      { manifest: { dependencies: { 'node-gyp-build': '^4.0.0' } }, files: { 'lib/x.so': elf() } },
    ];
    for (const spec of specs) {
      const report = analyze(spec);
      expect(findingsOf(report, 'native-binary.bundled')[0].severity).toBe('info');
      expect(report.verdict).toBe('clean');
    }
  });

  it('notes a binary in a package with no native markers as low, warns when it is new, more in a patch release', () => {
    const noMarkers = analyze({ files: { 'index.js': '', 'helper.exe': pe() } });
    expect(findingsOf(noMarkers, 'native-binary.unexpected')[0].severity).toBe('low');
    expect(noMarkers.verdict).toBe('clean');
    const newInMinor = analyze({ version: '1.1.0', files: { 'index.js': '', 'helper.exe': pe() }, previous: { version: '1.0.0', files: { 'index.js': '' } } });
    expect(findingsOf(newInMinor, 'native-binary.unexpected')[0].severity).toBe('medium');
    const newInPatch = analyze({ version: '1.0.1', files: { 'index.js': '', 'helper.exe': pe() }, previous: { version: '1.0.0', files: { 'index.js': '' } } });
    expect(findingsOf(newInPatch, 'native-binary.unexpected')[0]).toMatchObject({ severity: 'high', message: expect.stringContaining('now ships') });
  });

  it('flags executables disguised under other extensions', () => {
    const report = analyze({ files: { 'fonts/icon.woff2': elf(), 'index.js': '' } });
    expect(findingsOf(report, 'native-binary.disguised')[0]).toMatchObject({ severity: 'high', evidence: { file: 'package/fonts/icon.woff2' } });
  });

  it('blocks install code that loads a bundled DLL with rundll32/regsvr32 or runs a bundled binary', () => {
    const dll = analyze({ manifest: { scripts: { install: 'node i.js' } }, files: { 'i.js': "require('child_process').exec('rundll32 ' + __dirname + '\\\\lib\\\\helper.dll,Start');", 'lib/helper.dll': pe() } });
    expect(findingsOf(dll, 'native-binary.install-exec')[0]).toMatchObject({ category: 'malware', severity: 'critical' });
    const run = analyze({ manifest: { scripts: { postinstall: 'node r.js' } }, files: { 'r.js': "const cp = require('child_process'); fs.chmodSync(p, 0o755); cp.execFile(path.join(__dirname, 'vendor', 'agent'));", 'vendor/agent': elf() } });
    expect(findingsOf(run, 'native-binary.install-exec')[0]).toMatchObject({ category: 'malware', severity: 'high' });
    expect(run.verdict).toBe('block');
  });

  it('does not mistake a mention of the binary for running it', () => {
    const report = analyze({ name: 'tunnel-cli', manifest: { scripts: { postinstall: 'node download.js' } }, files: { 'download.js': "console.log('tunnel-cli binary ready at bin/tunnel-cli'); require('https').get(url);", 'bin/tunnel-cli': elf() } });
    expect(findingsOf(report, 'native-binary.install-exec')).toEqual([]);
  });

  it('does not call a native package running its own prebuild malware', () => {
    const report = analyze({ manifest: { scripts: { install: 'node-gyp-build' } }, files: { 'binding.gyp': '{}', 'prebuilds/linux-x64/addon.node': elf(), 'index.js': "require('node-gyp-build')(__dirname)" } });
    expect(findingsOf(report, 'native-binary.install-exec')).toEqual([]);
    expect(report.verdict).toBe('clean');
  });
});

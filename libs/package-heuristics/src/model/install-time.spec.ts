import { buildInput } from '../__fixtures__/package-builder';
import { installTimeCode } from './install-time';
import { buildPackageView } from './package-view';

function closure(spec: Parameters<typeof buildInput>[0]) {
  const input = buildInput(spec);
  return installTimeCode(buildPackageView(input.name, input.version, input.manifest, input.files));
}

describe('installTimeCode', () => {
  it('follows hook files through require, import and file names in strings', () => {
    const code = closure({
      manifest: { scripts: { postinstall: 'node scripts/a.js' } },
      files: {
        'scripts/a.js': "require('./b'); import('../lib/c.mjs'); spawn(process.execPath, [path.join(__dirname, 'd.js')]);",
        'scripts/b.js': "const { x } = require('../lib/util');",
        'scripts/d.js': '',
        'lib/c.mjs': "export * from './e.mjs';",
        'lib/e.mjs': '',
        'lib/util.js': '',
        'lib/runtime-only.js': '',
      },
    });
    expect([...code.files].sort()).toEqual(['lib/c.mjs', 'lib/e.mjs', 'lib/util.js', 'scripts/a.js', 'scripts/b.js', 'scripts/d.js']);
  });

  it('expands `npm run` indirection and keeps inline node -e code', () => {
    const code = closure({
      manifest: { scripts: { install: 'npm run setup', setup: "node tools/x.js && node -e \"require('./post')\"" } },
      files: { 'tools/x.js': '', 'post.js': '' },
    });
    expect([...code.files].sort()).toEqual(['post.js', 'tools/x.js']);
    expect(code.inline.map((entry) => entry.code)).toEqual(["require('./post')"]);
  });

  it('models the implicit node-gyp build (binding.gyp runs) and ignores prepare', () => {
    const gyp = closure({ manifest: { scripts: { prepare: 'node evil.js' } }, files: { 'binding.gyp': '{}', 'evil.js': '' } });
    expect(gyp.runsGyp).toBe(true);
    expect([...gyp.files]).toEqual(['binding.gyp']);
    const off = closure({ manifest: { gypfile: false }, files: { 'binding.gyp': '{}' } });
    expect(off.files.size).toBe(0);
  });

  it('resolves self-references through the exports map', () => {
    const code = closure({
      name: 'puppet',
      manifest: { scripts: { postinstall: 'node install.mjs' }, exports: { './internal/*': { import: './lib/esm/*', require: './lib/cjs/*' } } },
      files: { 'install.mjs': "await import('puppet/internal/node/install.js');", 'lib/esm/node/install.js': '' },
    });
    expect(code.files.has('lib/esm/node/install.js')).toBe(true);
  });
});

// Lets a plain `node -r <this file> script.ts` run the repo's TypeScript from source, the way Jest
// does: @swc/core strips types (keeping legacy decorators and their metadata, which Nest needs) and
// `@palisade/<lib>` resolves to libs/<lib>/src like Jest's moduleNameMapper. Plain JS on purpose:
// it must load before anything can compile TypeScript.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const repoRoot = path.resolve(__dirname, '..', '..');
const palisadeLib = /^@palisade\/([a-z-]+)$/;

const swcOptions = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcOptions, filename });
  module._compile(code, filename);
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolvePalisade(request, parent, ...rest) {
  const match = palisadeLib.exec(request);
  if (match !== null) {
    const service = /^service-([a-z]+)$/.exec(match[1]);
    const entry = service ? path.join(repoRoot, 'services', service[1], 'src', 'index.ts') : path.join(repoRoot, 'libs', match[1], 'src', 'index.ts');
    if (fs.existsSync(entry)) return entry;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

// Stack traces then point at the .ts lines, through the inline source maps above.
process.setSourceMapsEnabled(true);

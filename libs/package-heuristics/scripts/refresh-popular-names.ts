// Regenerates data/popular-names.json from a package list TSV (a header row, then one package per
// row, with at least the columns `name` and `downloads_a_month`):
//   node -r ./libs/testing/register.cjs libs/package-heuristics/scripts/refresh-popular-names.ts <packages.tsv> [targets=3000] [known=15000]
// The first `targets` names are typosquat targets; the rest up to `known` are established names
// that are never reported as imitations themselves.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type PopularNamesFile, topNamesFromTsv } from '../src/typosquat/popular-names';

const [tsvPath, targetsArgument, knownArgument] = process.argv.slice(2);
if (!tsvPath) {
  console.error('usage: refresh-popular-names.ts <packages.tsv> [targets=3000] [known=15000]');
  process.exit(64);
}
const targets = Number(targetsArgument ?? 3000);
const known = Math.max(targets, Number(knownArgument ?? 15000));
const ranked = topNamesFromTsv(readFileSync(tsvPath, 'utf8'), known);
const file: PopularNamesFile = {
  source: `${basename(tsvPath)}: npm packages by monthly downloads (targets = top ${Math.min(targets, ranked.length)}, alsoKnown = the next ${Math.max(0, ranked.length - targets)})`,
  generated: new Date().toISOString().slice(0, 10),
  names: ranked.slice(0, targets),
  alsoKnown: ranked.slice(targets),
};
const target = join(__dirname, '..', 'data', 'popular-names.json');
// One name per line keeps diffs of a refresh readable.
writeFileSync(target, `${JSON.stringify(file, null, 1).replace(/\n {2}/g, '\n')}\n`);
console.log(`wrote ${file.names.length} targets and ${file.alsoKnown.length} known names to ${target}`);

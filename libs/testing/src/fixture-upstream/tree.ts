import { TestingError } from '../errors';
import type { FixturePackageSpec, FixtureTreeOptions } from './types';

/**
 * A dependency tree for benches: package i depends on packages fanOut·i+1 … fanOut·i+fanOut (a
 * k-ary tree rooted at 0), and every inner package also on the last one, so installs see shared
 * dependencies as real trees have. Each package is one version, 1.0.0, with a small tarball.
 */
export function treeSpecs(options: FixtureTreeOptions): { root: string; packages: FixturePackageSpec[] } {
  const { count, prefix = 'tree', fanOut = 3, publishedAt } = options;
  if (!Number.isInteger(count) || count < 1) throw new TestingError('TESTING_FIXTURE_INVALID', `a tree needs a whole number of packages >= 1 (got ${count})`);
  if (!Number.isInteger(fanOut) || fanOut < 1) throw new TestingError('TESTING_FIXTURE_INVALID', `fanOut must be a whole number >= 1 (got ${fanOut})`);
  const nameOf = (i: number) => `${prefix}-${i}`;
  const last = count - 1;
  const packages: FixturePackageSpec[] = [];
  for (let i = 0; i < count; i++) {
    const dependencies: Record<string, string> = {};
    for (let child = fanOut * i + 1; child <= Math.min(fanOut * i + fanOut, last); child++) dependencies[nameOf(child)] = '^1.0.0';
    if (Object.keys(dependencies).length > 0) dependencies[nameOf(last)] = '^1.0.0';
    packages.push({ name: nameOf(i), versions: [{ version: '1.0.0', dependencies, publishedAt, files: { 'index.js': `module.exports = ${JSON.stringify(nameOf(i))};\n` } }] });
  }
  return { root: nameOf(0), packages };
}

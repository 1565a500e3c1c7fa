import { isPalisadeError } from '@palisade/errors';
import { treeSpecs } from './tree';

describe('treeSpecs', () => {
  it('builds a k-ary tree whose inner packages also share the last package', () => {
    const { root, packages } = treeSpecs({ count: 6, prefix: '@bench/p', fanOut: 2 });
    expect(root).toBe('@bench/p-0');
    const deps = Object.fromEntries(packages.map((p) => [p.name, Object.keys(p.versions[0].dependencies ?? {})]));
    expect(deps).toEqual({
      '@bench/p-0': ['@bench/p-1', '@bench/p-2', '@bench/p-5'],
      '@bench/p-1': ['@bench/p-3', '@bench/p-4', '@bench/p-5'],
      '@bench/p-2': ['@bench/p-5'],
      '@bench/p-3': [],
      '@bench/p-4': [],
      '@bench/p-5': [],
    });
  });

  it('reaches every package from the root', () => {
    const { root, packages } = treeSpecs({ count: 100 });
    const byName = new Map(packages.map((p) => [p.name, p]));
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const dep of Object.keys(byName.get(name)?.versions[0].dependencies ?? {})) visit(dep);
    };
    visit(root);
    expect(seen.size).toBe(100);
  });

  it('refuses an empty tree', () => {
    let failure: unknown;
    try {
      treeSpecs({ count: 0 });
    } catch (e: unknown) {
      failure = e;
    }
    expect(isPalisadeError(failure) && failure.code).toBe('TESTING_FIXTURE_INVALID');
  });
});

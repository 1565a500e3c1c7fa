import { invalid, quote } from './errors';
import { PackageCollector, splitAtName } from './packages';
import { entries, isTree, optionalString, optionalTree, type Tree } from './tree';
import type { LockedPackage } from './types';

/**
 * The registry package behind a resolution locator: `name@npm:1.0.0` (`::__archiveUrl=…` parameters
 * dropped), or the base of a `patch:` (`name@patch:name@npm%3A1.0.0#./fix.patch::…` → name@1.0.0).
 * Workspaces, `link:`, `portal:`, `file:`, `exec:`, git and URL sources are undefined.
 */
function registryLocator(locator: string, depth = 0): [string, string] | undefined {
  const split = splitAtName(locator);
  if (!split || depth > 4) return undefined;
  const [name, reference] = split;
  if (reference.startsWith('npm:')) {
    const version = reference.slice(4).split('::')[0] as string;
    return [name, version];
  }
  if (reference.startsWith('patch:')) {
    const source = reference.slice(6).split('#')[0] as string;
    let decoded: string;
    try {
      decoded = decodeURIComponent(source);
    } catch {
      return undefined;
    }
    return registryLocator(decoded, depth + 1);
  }
  return undefined;
}

/** `"a@npm:^1.0.0, a@npm:^1.1.0"` → its descriptors. */
function descriptors(key: string): string[] {
  return key.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

export function parseYarnBerry(lock: Tree): LockedPackage[] {
  const collector = new PackageCollector();
  const byDescriptor = new Map<string, [string, string]>();
  const byIdent = new Map<string, Array<[string, string]>>();
  let rootDependencies: Tree | undefined;

  for (const [key, entry] of entries(lock, 'yarn.lock')) {
    if (key === '__metadata') continue;
    const where = `yarn.lock entry ${quote(key)}`;
    if (!isTree(entry)) throw invalid(`${where} is not a mapping`);
    const resolution = optionalString(entry, 'resolution', where);
    if (resolution === undefined) throw invalid(`${where} has no resolution`);
    if (resolution.endsWith('@workspace:.')) rootDependencies = optionalTree(entry, 'dependencies', where);
    const target = registryLocator(resolution);
    if (!target) continue;
    // `checksum` is yarn's hash of its own cache archive, not of the registry tarball: no integrity.
    collector.add(target[0], target[1], false, undefined, where);
    for (const descriptor of descriptors(key)) {
      byDescriptor.set(descriptor, target);
      // `patch:`/`file:` descriptors carry `::locator=…`; the workspace's own range does not.
      byDescriptor.set(descriptor.split('::')[0] as string, target);
      const ident = splitAtName(descriptor)?.[0];
      if (ident === undefined) continue;
      const known = byIdent.get(ident);
      if (known) known.push(target);
      else byIdent.set(ident, [target]);
    }
  }

  for (const [name, range] of rootDependencies ? entries(rootDependencies, 'root workspace dependencies') : []) {
    if (typeof range !== 'string') throw invalid(`root workspace dependency ${quote(name)} has no range`);
    // Yarn 4 writes `npm:^1.0.0`; yarn 2 and 3 wrote bare ranges in workspace entries.
    let target = byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);
    if (!target && (range.startsWith('npm:') || !/^[a-z][a-z0-9+.-]*:/i.test(range))) {
      // A registry range that `resolutions` re-mapped: only unambiguous when one version has that name.
      const candidates = new Set((byIdent.get(name) ?? []).map(([n, v]) => `${n}@${v}`));
      if (candidates.size === 1) target = (byIdent.get(name) as Array<[string, string]>)[0];
    }
    if (target) collector.markDirect(target[0], target[1]);
  }
  return collector.list();
}

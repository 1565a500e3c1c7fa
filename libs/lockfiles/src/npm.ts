import { invalid, quote } from './errors';
import { PackageCollector } from './packages';
import { entries, get, isTree, optionalString, optionalTree, type Tree } from './tree';
import type { LockedPackage } from './types';

const ROOT_DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const NODE_MODULES = 'node_modules/';

/**
 * A registry tarball, or none recorded (npm may omit registry URLs). `file:`, `git+…` and relative
 * paths are not from a registry. A remote tarball URL dependency cannot be told apart from a registry
 * tarball in an npm lockfile: it is reported.
 */
function fromRegistry(resolved: string | undefined): boolean {
  return resolved === undefined || /^https?:\/\//i.test(resolved);
}

/** npm lockfileVersion 2 or 3: reads `packages` (v2's legacy `dependencies` tree is ignored). */
export function parseNpm(lock: Tree): LockedPackage[] {
  const packages = optionalTree(lock, 'packages', 'package-lock');
  if (!packages) throw invalid('package-lock has no "packages" section');

  const direct = new Set<string>();
  const root = optionalTree(packages, '', 'packages');
  if (root) {
    for (const field of ROOT_DEPENDENCY_FIELDS) {
      const deps = optionalTree(root, field, 'packages[""]');
      if (deps) for (const [name] of entries(deps, field)) direct.add(`${NODE_MODULES}${name}`);
    }
  }

  const collector = new PackageCollector();
  for (const [path, entry] of entries(packages, 'packages')) {
    if (path === '') continue;
    const where = `packages[${quote(path)}]`;
    if (!isTree(entry)) throw invalid(`${where} is not a mapping`);
    // Only installed copies live under node_modules/; other keys are workspace or file: folders.
    const at = path.lastIndexOf(NODE_MODULES);
    if (at !== 0 && (at < 0 || path[at - 1] !== '/')) continue;
    if (get(entry, 'link') === true) continue;
    if (!fromRegistry(optionalString(entry, 'resolved', where))) continue;
    const name = optionalString(entry, 'name', where) ?? path.slice(at + NODE_MODULES.length);
    const version = optionalString(entry, 'version', where);
    if (version === undefined) throw invalid(`${where} has no version`);
    collector.add(name, version, direct.has(path), optionalString(entry, 'integrity', where), where);
  }
  return collector.list();
}

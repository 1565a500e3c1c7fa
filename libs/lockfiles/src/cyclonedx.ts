import { invalid, quote } from './errors';
import { PackageCollector, strongestHash } from './packages';
import { get, isTree, optionalString, optionalTree, type Tree } from './tree';
import type { LockedPackage } from './types';

interface NpmPurl {
  name: string;
  version: string | undefined;
  qualifiers: Map<string, string>;
}

function decode(part: string, purl: string): string {
  try {
    return decodeURIComponent(part);
  } catch (error) {
    throw invalid(`purl ${quote(purl)} has a bad percent-encoding`, error);
  }
}

/** `pkg:npm/%40scope/name@1.0.0?qualifiers#subpath` (purl spec); undefined for other package types. */
export function parseNpmPurl(purl: string): NpmPurl | undefined {
  if (!/^pkg:/i.test(purl)) throw invalid(`${quote(purl)} is not a purl`);
  let rest = purl.slice(4).replace(/^\/+/, '');
  rest = rest.split('#')[0] as string;
  const mark = rest.indexOf('?');
  const path = mark < 0 ? rest : rest.slice(0, mark);
  const query = mark < 0 ? undefined : rest.slice(mark + 1);
  const slash = path.indexOf('/');
  if (slash < 0 || path.slice(0, slash).toLowerCase() !== 'npm') return undefined;
  let remainder = path.slice(slash + 1);
  let version: string | undefined;
  const at = remainder.lastIndexOf('@');
  if (at > remainder.lastIndexOf('/')) {
    version = decode(remainder.slice(at + 1), purl);
    remainder = remainder.slice(0, at);
  }
  const name = remainder.split('/').filter((segment) => segment !== '').map((segment) => decode(segment, purl)).join('/');
  const qualifiers = new Map<string, string>();
  for (const pair of query ? query.split('&') : []) {
    const eq = pair.indexOf('=');
    if (eq > 0) qualifiers.set(pair.slice(0, eq).toLowerCase(), decode(pair.slice(eq + 1), purl));
  }
  return { name, version, qualifiers };
}

const HTTP = /^https?:\/\//i;

interface Candidate {
  name: string;
  version: string;
  ref: string | undefined;
  integrity: string | undefined;
  /** Has a distribution reference or a hash: evidence it came from a registry. */
  fetched: boolean;
  bundled: boolean;
  where: string;
}

function list(tree: Tree, key: string, where: string): unknown[] {
  const value = get(tree, key);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${where}.${key} is not a list`);
  return value;
}

function trees(tree: Tree, key: string, where: string): Tree[] {
  return list(tree, key, where).map((item, i) => {
    if (!isTree(item)) throw invalid(`${where}.${key}[${i}] is not an object`);
    return item;
  });
}

/** `npm sbom` names itself `{vendor: "npm", name: "cli"}` (legacy tools list) or as a tool component. */
function producedByNpmCli(metadata: Tree | undefined): boolean {
  if (!metadata) return false;
  const tools = get(metadata, 'tools');
  const listed = Array.isArray(tools) ? tools : isTree(tools) && Array.isArray(get(tools, 'components')) ? (get(tools, 'components') as unknown[]) : [];
  return listed.some((tool) => {
    if (!isTree(tool) || get(tool, 'name') !== 'cli') return false;
    return ['vendor', 'group', 'author', 'publisher'].some((field) => get(tool, field) === 'npm');
  });
}

/** The npm components of a CycloneDX JSON BOM, nested `components` included. */
export function parseCycloneDx(bom: Tree): LockedPackage[] {
  const metadata = optionalTree(bom, 'metadata', 'bom');
  const rootComponent = metadata ? optionalTree(metadata, 'component', 'metadata') : undefined;
  const rootRef = rootComponent ? optionalString(rootComponent, 'bom-ref', 'metadata.component') : undefined;
  const rootPurl = rootComponent ? optionalString(rootComponent, 'purl', 'metadata.component') : undefined;

  const directRefs = new Set<string>();
  for (const dependency of trees(bom, 'dependencies', 'bom')) {
    if (rootRef === undefined || optionalString(dependency, 'ref', 'dependencies[]') !== rootRef) continue;
    for (const ref of list(dependency, 'dependsOn', 'dependencies[]')) if (typeof ref === 'string') directRefs.add(ref);
  }

  const candidates: Candidate[] = [];
  const pending: Array<{ components: Tree[]; where: string }> = [{ components: trees(bom, 'components', 'bom'), where: 'components' }];
  while (pending.length > 0) {
    const { components, where: parentWhere } = pending.pop() as { components: Tree[]; where: string };
    components.forEach((component, i) => {
      const where = `${parentWhere}[${i}]`;
      pending.push({ components: trees(component, 'components', where), where: `${where}.components` });
      const purl = optionalString(component, 'purl', where);
      const ref = optionalString(component, 'bom-ref', where);
      if (purl === undefined) return; // no ecosystem to tell: not an npm package we can name
      const parsed = parseNpmPurl(purl);
      if (!parsed) return;
      if ((ref !== undefined && ref === rootRef) || purl === rootPurl) return;

      // Positive evidence of another source: git (`vcs_url`), local or non-HTTP downloads, private packages.
      if (parsed.qualifiers.has('vcs_url')) return;
      const download = parsed.qualifiers.get('download_url');
      if (download !== undefined && !HTTP.test(download)) return;
      const distributions = trees(component, 'externalReferences', where)
        .filter((reference) => optionalString(reference, 'type', where) === 'distribution')
        .map((reference) => optionalString(reference, 'url', where) ?? '');
      if (distributions.some((url) => !HTTP.test(url))) return;
      const properties = new Map<string, string>();
      for (const property of trees(component, 'properties', where)) {
        const name = optionalString(property, 'name', where);
        if (name !== undefined) properties.set(name, optionalString(property, 'value', where) ?? '');
      }
      if (properties.get('cdx:npm:package:private') === 'true') return;

      const hashes = new Map<string, string>();
      for (const hash of trees(component, 'hashes', where)) {
        const alg = optionalString(hash, 'alg', where);
        const content = optionalString(hash, 'content', where);
        if (alg !== undefined && content !== undefined) hashes.set(alg.toUpperCase(), content);
      }
      const version = parsed.version ?? optionalString(component, 'version', where);
      if (version === undefined) throw invalid(`${where} (${quote(purl)}) has no version`);
      candidates.push({
        name: parsed.name,
        version,
        ref,
        integrity: strongestHash(hashes),
        fetched: distributions.length > 0 || hashes.size > 0,
        bundled: properties.get('cdx:npm:package:bundled') === 'true',
        where,
      });
    });
  }

  // `npm sbom` marks links and workspaces only by what they lack: it gives every registry package a
  // distribution URL and a hash, so in its BOMs a component with neither (and not bundled) is local.
  const bomRecordsSources = producedByNpmCli(metadata);
  const collector = new PackageCollector();
  for (const candidate of candidates) {
    if (bomRecordsSources && !candidate.fetched && !candidate.bundled) continue;
    const direct = candidate.ref !== undefined && directRefs.has(candidate.ref);
    collector.add(candidate.name, candidate.version, direct, candidate.integrity, candidate.where);
  }
  return collector.list();
}

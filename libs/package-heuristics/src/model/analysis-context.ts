import { diff } from 'semver';
import type { HeuristicsInput } from '../types';
import { decodedUnits } from './decoded-blobs';
import { MAX_SCANNED_BYTES, sourceKindOf } from './file-kinds';
import { type InstallTimeCode, installTimeCode } from './install-time';
import { type InstallHook, type PackageView, buildPackageView, installHooks, packageJsonLine } from './package-view';
import { SourceFile } from './source-file';
import { blankShellComments, scanJs } from './strip-comments';

export type ReleaseType = 'major' | 'minor' | 'patch' | 'prerelease' | 'unknown';

/** A hook that this version adds or changes compared with the previous one. */
export interface HookChange {
  hook: InstallHook;
  previousCommand?: string;
}

/**
 * Everything the rules need, computed once: the package indexed by path, the units of code to read
 * (tarball files, lifecycle commands, decoded blobs) split by whether they run at install time,
 * and what changed since the previous version.
 */
export interface AnalysisContext {
  input: HeuristicsInput;
  pkg: PackageView;
  installCode: InstallTimeCode;
  /** Every unit: code files, hook commands, inline hook code and decoded blobs. */
  units: SourceFile[];
  installUnits: SourceFile[];
  /**
   * Install-time units close to a hook (depth ≤ 1): what the hook runs and what that loads directly.
   * Signals are pooled across these only; a hook that loads a whole CLI would otherwise pool the
   * unrelated capabilities of hundreds of files.
   */
  hookUnits: SourceFile[];
  runtimeUnits: SourceFile[];
  /** Code files by package-relative path (large files have empty text but their real size). */
  fileUnits: ReadonlyMap<string, SourceFile>;
  previous?: PackageView;
  releaseType: ReleaseType;
  hookChanges: HookChange[];
}

export function buildAnalysisContext(input: HeuristicsInput): AnalysisContext {
  const pkg = buildPackageView(input.name, input.version, input.manifest, input.files);
  const installCode = installTimeCode(pkg);
  const fileUnits = new Map<string, SourceFile>();
  const units: SourceFile[] = [];

  for (const [relative, file] of pkg.files) {
    const kind = sourceKindOf(relative, file.bytes);
    if (!kind) continue;
    const tooLarge = file.bytes.length > MAX_SCANNED_BYTES;
    const original = tooLarge ? '' : file.bytes.toString('utf8');
    const scanned = kind === 'js' ? scanJs(original) : { code: kind === 'shell' ? blankShellComments(original) : original, literals: undefined };
    const unit = new SourceFile(file.path, scanned.code, {
      kind,
      installTime: installCode.files.has(relative),
      installDepth: installCode.depth.get(relative),
      size: file.bytes.length,
      display: original,
      literals: scanned.literals,
    });
    fileUnits.set(relative, unit);
    units.push(unit);
  }

  const packageJsonPath = `${pkg.root}/package.json`;
  for (const hook of pkg.hooks) {
    const line = packageJsonLine(pkg, hook.name, hook.implicit ? undefined : hook.command);
    units.push(new SourceFile(packageJsonPath, hook.command, { kind: 'shell', installTime: true, origin: { line, label: `scripts.${hook.name}` } }));
  }
  for (const { hook, code } of installCode.inline) {
    const line = packageJsonLine(pkg, hook.name);
    units.push(new SourceFile(packageJsonPath, code, { kind: 'js', installTime: true, origin: { line, label: `scripts.${hook.name} inline code` } }));
  }

  // Decoded blobs become units of their own, so every rule also reads what was hidden.
  for (let i = 0; i < units.length; i += 1) {
    if (units[i].kind === 'js' || units[i].kind === 'shell') units.push(...decodedUnits(units[i]));
  }

  const previous = input.previous ? buildPackageView(input.name, input.previous.version, input.previous.manifest, input.previous.files ?? []) : undefined;
  return {
    input,
    pkg,
    installCode,
    units,
    installUnits: units.filter((unit) => unit.installTime),
    hookUnits: units.filter((unit) => unit.installTime && unit.installDepth <= 1),
    runtimeUnits: units.filter((unit) => !unit.installTime),
    fileUnits,
    previous,
    releaseType: releaseTypeOf(input.previous?.version, input.version),
    hookChanges: previous ? hookChanges(pkg.hooks, previous, input.previous?.files !== undefined) : [],
  };
}

function hookChanges(current: InstallHook[], previous: PackageView, previousFilesKnown: boolean): HookChange[] {
  // Without the previous files the previous implicit gyp hook is unknown: npm derives it from binding.gyp.
  const before = previousFilesKnown ? previous.hooks : installHooks(previous.manifest, false);
  const changes: HookChange[] = [];
  for (const hook of current) {
    if (hook.implicit && !previousFilesKnown) continue;
    const earlier = before.filter((candidate) => candidate.name === hook.name);
    if (earlier.some((candidate) => candidate.command === hook.command)) continue;
    changes.push({ hook, previousCommand: earlier[0]?.command });
  }
  return changes;
}

function releaseTypeOf(previousVersion: string | undefined, version: string): ReleaseType {
  if (!previousVersion) return 'unknown';
  try {
    const kind = diff(previousVersion, version);
    if (kind === 'major' || kind === 'premajor') return 'major';
    if (kind === 'minor' || kind === 'preminor') return 'minor';
    if (kind === 'patch' || kind === 'prepatch') return 'patch';
    if (kind === 'prerelease') return 'prerelease';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

import type { AnalysisContext } from '../model/analysis-context';
import { BINARY_EXTENSIONS, NATIVE_EXTENSIONS, type ExecutableFormat, baseName, executableFormatOf, extensionOf } from '../model/file-kinds';
import type { PackageView } from '../model/package-view';
import type { SignalMatch, SourceFile } from '../model/source-file';
import { detect } from '../signals/detector';
import { LOLBIN } from '../signals/droppers';
import { EXEC_CALL } from '../signals/capabilities';
import { callArguments } from '../signals/code-sinks';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, evidenceOf, finding } from './rule';

const NATIVE_BUILD_DEPENDENCIES = ['node-gyp-build', 'node-gyp-build-optional-packages', 'prebuild-install', 'node-pre-gyp', '@mapbox/node-pre-gyp', 'nan', 'node-addon-api', 'bindings', 'cmake-js', '@napi-rs/cli', 'napi-postinstall'];
/** `libcrypto.so.1.1`, `libz.1.dylib`: versioned shared libraries. */
const VERSIONED_LIBRARY = /\.so(?:\.\d+)+$|\.\d+\.dylib$/;
const NATIVE_LAYOUT = /^(?:prebuilds|build\/Release|build\/Debug|lib\/binding|binding|bin\/(?:linux|darwin|win32|win|mac|macos|freebsd)[\w-]*|(?:linux|darwin|win32|freebsd)-(?:x64|arm64|ia32|arm))\//;

/** `reflink.darwin-arm64.node`, `addon-linux-x64-gnu.node`: a prebuilt addon named for its platform. */
const PLATFORM_TRIPLE = /(?:darwin|linux|win32|windows|freebsd|android|macos)[-_.](?:x64|arm64|ia32|arm|x86_64|aarch64|universal)/i;

interface BundledBinary {
  relative: string;
  path: string;
  format?: ExecutableFormat;
}

/** Native executables and libraries in the tarball, judged against whether the package builds native code at all. */
export const nativeBinaryRules: RuleFamily = {
  name: 'native-binary',
  rules: [
    { id: 'native-binary.bundled', description: 'Native binaries in a package that builds or ships native code (binding.gyp, prebuilds/, os/cpu-specific, native-build dependencies): info.' },
    { id: 'native-binary.unexpected', description: 'A package with no native-code markers ships a PE/ELF/Mach-O binary or .node/.dll/.exe/.so: low, medium when the previous version had none (high in a patch release).' },
    { id: 'native-binary.disguised', description: 'A native executable hidden under a non-binary extension (.js, .png, .txt…).' },
    { id: 'native-binary.install-exec', description: 'Install-time code runs a bundled binary (rundll32/regsvr32 of a bundled DLL: malware; chmod +x then exec in a pure-JS package: malware).' },
  ],
  check(context) {
    const binaries = bundledBinaries(context.pkg);
    if (binaries.length === 0) return [];
    const findings: HeuristicFinding[] = [];
    const native = buildsNativeCode(context.pkg);

    const disguised = binaries.find((binary) => binary.format && !BINARY_EXTENSIONS.has(extensionOf(binary.relative)) && !VERSIONED_LIBRARY.test(binary.relative));
    if (disguised) {
      findings.push(finding('native-binary.disguised', 'suspicious', 'high', `${disguised.relative} is a ${disguised.format} executable under a "${extensionOf(disguised.relative)}" name`, { file: disguised.path, line: 1, snippet: `${disguised.format} binary` }));
    }

    const previousBinaries = context.previous && context.previous.files.size > 0 ? new Set(bundledBinaries(context.previous).map((binary) => binary.relative)) : undefined;
    const newBinaries = previousBinaries ? binaries.filter((binary) => !previousBinaries.has(binary.relative)) : [];
    const list = summarise(binaries);
    if (native) {
      findings.push(finding('native-binary.bundled', 'integrity', 'info', `${binaries.length} native binar${binaries.length === 1 ? 'y' : 'ies'} in a native-code package: ${list}`, { file: binaries[0].path, line: 1, snippet: binaries[0].format ?? extensionOf(binaries[0].relative) }));
    } else {
      // "Suddenly" needs the previous version: a tool that always shipped a helper .exe (nodemon) is not news.
      const sudden = previousBinaries !== undefined && previousBinaries.size === 0 && newBinaries.length > 0;
      const patch = context.releaseType === 'patch' || context.releaseType === 'prerelease';
      const severity = sudden ? (patch ? 'high' : 'medium') : 'low';
      const message = sudden ? `a pure-JavaScript package now ships native binaries: ${list}` : `a package with no native-code markers ships native binaries: ${list}`;
      findings.push(finding('native-binary.unexpected', 'suspicious', severity, message, { file: binaries[0].path, line: 1, snippet: binaries[0].format ?? extensionOf(binaries[0].relative) }));
    }

    findings.push(...installExec(context, binaries, native));
    return findings;
  },
};

function installExec(context: AnalysisContext, binaries: BundledBinary[], native: boolean): HeuristicFinding[] {
  for (const unit of context.installUnits) {
    for (const binary of binaries) {
      const name = baseName(binary.relative);
      if (!unit.text.includes(name)) continue;
      const lolbin = detect(unit, LOLBIN);
      if (lolbin && /\.(?:dll|ocx|cpl)$/i.test(name)) {
        return [finding('native-binary.install-exec', 'malware', 'critical', `install-time code loads the bundled ${name} with ${lolbin.text.trim().split(/\s/)[0]}`, evidenceOf(unit, lolbin))];
      }
      if (native) continue;
      const run = runsBinary(unit, binary.relative, name);
      if (run) return [finding('native-binary.install-exec', 'malware', 'high', `install-time code runs the bundled binary ${binary.relative} in a package with no native-code markers`, evidenceOf(unit, run))];
    }
  }
  return [];
}

/** Where install code executes the binary: a spawn/exec call naming it, or a shell command word that is its path. */
function runsBinary(unit: SourceFile, relative: string, name: string): SignalMatch | undefined {
  if (unit.kind === 'shell') {
    const path = relative.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const command = new RegExp(String.raw`(?:^|[;&|(]\s*|&&\s*|\bexec\s+|\bnohup\s+|\bstart\s+(?:\/\w+\s+)*)["']?(?:\.\/|%~dp0\\?|\$\(dirname[^)]*\)\/)?${path}\b`, 'm').exec(unit.text);
    return command ? { index: command.index, text: command[0] } : undefined;
  }
  for (const call of unit.text.matchAll(EXEC_CALL)) {
    const args = callArguments(unit.text, call.index + call[0].lastIndexOf('('));
    if (args.includes(name)) return { index: call.index, text: call[0] };
  }
  return undefined;
}

function bundledBinaries(view: PackageView): BundledBinary[] {
  const found: BundledBinary[] = [];
  for (const [relative, file] of view.files) {
    const format = executableFormatOf(file.bytes);
    if (format || NATIVE_EXTENSIONS.has(extensionOf(relative))) found.push({ relative, path: file.path, format });
  }
  return found;
}

/** Whether the package declares, lays out or depends on native code; then binaries are expected. */
export function buildsNativeCode(view: PackageView): boolean {
  const manifest = { ...view.manifest, ...(view.packageJson ?? {}) };
  if (manifest.gypfile === true || manifest.binary !== undefined || manifest.napi !== undefined) return true;
  if (Array.isArray(manifest.os) || Array.isArray(manifest.cpu)) return true;
  const dependencies = { ...record(manifest.dependencies), ...record(manifest.optionalDependencies), ...record(manifest.devDependencies) };
  if (NATIVE_BUILD_DEPENDENCIES.some((name) => name in dependencies)) return true;
  for (const relative of view.files.keys()) {
    if (relative.endsWith('.gyp') || relative.endsWith('CMakeLists.txt') || NATIVE_LAYOUT.test(relative)) return true;
    if (relative.endsWith('.node') && PLATFORM_TRIPLE.test(relative)) return true;
  }
  return false;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function summarise(binaries: BundledBinary[]): string {
  const shown = binaries.slice(0, 3).map((binary) => binary.relative);
  return binaries.length > 3 ? `${shown.join(', ')} and ${binaries.length - 3} more` : shown.join(', ');
}

import type { SourceKind } from './source-file';

/** Files larger than this are judged by size and shape only: reading them would cost more than it tells. */
export const MAX_SCANNED_BYTES = 5 * 1024 * 1024;

const JS_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx', '.html', '.htm', '.vue', '.svelte']);
const SHELL_EXTENSIONS = new Set(['.sh', '.bash', '.zsh', '.command', '.bat', '.cmd', '.ps1', '.psm1', '.vbs', '.wsf', '.py']);
const GYP_EXTENSIONS = new Set(['.gyp', '.gypi']);
const DECLARATION = /\.d\.[cm]?ts$/;
/** Prose, maps and declarations say nothing about behaviour and are where false positives come from. */
const DOC_NAME = /^(?:readme|changelog|changes|history|license|licence|notice|authors|contributing|security|code_of_conduct)(?:\.|$)/i;
const DOC_EXTENSIONS = new Set(['.md', '.markdown', '.mdx', '.rst', '.txt', '.map', '.adoc']);
const DOC_FOLDER = /(?:^|\/)(?:docs?|documentation|examples?|__tests__|tests?|spec|benchmarks?)\//i;

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True for files whose content is never read for behaviour (docs, maps, type declarations). */
export function isSkippedForContent(relativePath: string): boolean {
  if (DECLARATION.test(relativePath)) return true;
  const extension = extensionOf(relativePath);
  if (DOC_EXTENSIONS.has(extension)) return true;
  if (DOC_NAME.test(baseName(relativePath)) && !JS_EXTENSIONS.has(extension)) return true;
  return false;
}

/** JavaScript or TypeScript a runtime can execute (not a declaration file). */
export function isRunnableScript(relativePath: string): boolean {
  return /\.(?:c?js|mjs|[cm]?ts)$/.test(relativePath) && !DECLARATION.test(relativePath);
}

/** Documentation and test folders still run nothing at install time, but their code is read less strictly. */
export function isAuxiliaryPath(relativePath: string): boolean {
  return DOC_FOLDER.test(relativePath);
}

/**
 * The language a file is read as, or undefined for data files. Files without an extension are code
 * only when they start with a shebang (bin scripts).
 */
export function sourceKindOf(relativePath: string, head: Buffer): SourceKind | undefined {
  if (isSkippedForContent(relativePath)) return undefined;
  const extension = extensionOf(relativePath);
  if (JS_EXTENSIONS.has(extension)) return 'js';
  if (SHELL_EXTENSIONS.has(extension)) return 'shell';
  if (GYP_EXTENSIONS.has(extension)) return 'gyp';
  if (extension === '' && head[0] === 0x23 && head[1] === 0x21) {
    const line = head.subarray(0, Math.min(head.length, 120)).toString('latin1');
    return /\b(?:node|bun|deno)\b/.test(line) ? 'js' : 'shell';
  }
  return undefined;
}

export type ExecutableFormat = 'PE' | 'ELF' | 'Mach-O';

/** Recognises native executables and libraries by their magic bytes, whatever the file is called. */
export function executableFormatOf(bytes: Buffer): ExecutableFormat | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] === 0x4d && bytes[1] === 0x5a && hasPeHeader(bytes)) return 'PE';
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'ELF';
  const magic = bytes.readUInt32BE(0);
  if (magic === 0xfeedface || magic === 0xfeedfacf || magic === 0xcefaedfe || magic === 0xcffaedfe) return 'Mach-O';
  // 0xcafebabe is also a Java class file; a fat Mach-O has few architectures where a class has a version ≥ 45.
  if (magic === 0xcafebabe && bytes.length >= 8 && bytes.readUInt32BE(4) < 20) return 'Mach-O';
  return undefined;
}

// "MZ" alone is too weak (text files may start with it): DOS stub + e_lfanew pointing at "PE\0\0".
function hasPeHeader(bytes: Buffer): boolean {
  if (bytes.length < 0x40) return false;
  const offset = bytes.readUInt32LE(0x3c);
  if (offset + 4 > bytes.length) return false;
  return bytes[offset] === 0x50 && bytes[offset + 1] === 0x45 && bytes[offset + 2] === 0 && bytes[offset + 3] === 0;
}

export const NATIVE_EXTENSIONS = new Set(['.node', '.dll', '.exe', '.so', '.dylib', '.sys', '.scr', '.com']);

/** Extensions under which a binary is expected; any other name for one is a disguise. */
export const BINARY_EXTENSIONS = new Set([...NATIVE_EXTENSIONS, '', '.bin', '.o', '.a', '.lib', '.pyd', '.wasm']);

import type { AnalysisContext } from '../model/analysis-context';
import { findEncodedBlobs } from '../model/decoded-blobs';
import { extensionOf, isAuxiliaryPath } from '../model/file-kinds';
import { entryFiles } from '../model/package-view';
import type { SourceFile } from '../model/source-file';
import { sinkHits } from '../signals/code-sinks';
import { mentions } from '../signals/detector';
import { firstMangledIndex, isObfuscated, manglingCount } from '../signals/mangling';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, evidenceOf, finding, nearHook } from './rule';

const HIDDEN_TAIL = /\S[ \t]{150,}(?=\S)/g;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const INVISIBLE_IDENTIFIER = /[\u3164\u115F\u1160\uFFA0]|[\u200B-\u200D\u2060]{3,}/;
const ENTROPY_SAMPLE = 4096;
const LONG_LITERAL = /(['"`])([^'"`\\\n]{200,})\1/g;

export const obfuscationRules: RuleFamily = {
  name: 'obfuscation',
  rules: [
    { id: 'obfuscation.eval-encoded-blob', description: 'Decoded data (base64/hex/char codes/escapes/decryption) or a large encoded literal is fed to eval, Function, vm or a process spawn (medium; malware at install time).' },
    { id: 'obfuscation.remote-code-eval', description: 'Code downloaded at runtime is executed with eval/Function/vm (loader pattern).' },
    { id: 'obfuscation.hex-identifiers', description: '`_0x…` hex identifiers or hex-escaped member names (javascript-obfuscator output).' },
    { id: 'obfuscation.entry-file-blowup', description: 'A small file of the previous version became much larger with a new very long line (code appended to index.js, as in the chalk/debug compromise).' },
    { id: 'obfuscation.hidden-code', description: 'Code pushed off-screen after a long run of whitespace on a line.' },
    { id: 'obfuscation.invisible-unicode', description: 'Invisible characters carrying data (variation-selector runs), bidi controls (Trojan Source) or invisible identifiers.' },
    { id: 'obfuscation.high-entropy-string', description: 'Long high-entropy string literals (info; low at install time).' },
  ],
  check(context) {
    const findings: HeuristicFinding[] = [];
    const jsUnits = context.units.filter((unit) => unit.kind === 'js');
    findings.push(...evalOfEncoded(jsUnits));
    findings.push(...mangling(jsUnits));
    findings.push(...entryFileBlowup(context));
    findings.push(...hiddenCode(jsUnits));
    findings.push(...invisibleUnicode(jsUnits));
    findings.push(...highEntropy(jsUnits));
    return findings;
  },
};

function evalOfEncoded(units: SourceFile[]): HeuristicFinding[] {
  const findings: HeuristicFinding[] = [];
  let encodedDone = false;
  let remoteDone = false;
  for (const unit of units) {
    for (const hit of sinkHits(unit)) {
      if (hit.remote && !remoteDone) {
        remoteDone = true;
        findings.push(finding('obfuscation.remote-code-eval', nearHook(unit) ? 'malware' : 'suspicious', nearHook(unit) ? 'high' : 'medium', `${unit.installTime ? 'install-time ' : ''}code executes text it downloaded`, evidenceOf(unit, hit.match)));
      } else if (!hit.remote && !encodedDone) {
        encodedDone = true;
        findings.push(finding('obfuscation.eval-encoded-blob', nearHook(unit) ? 'malware' : 'suspicious', nearHook(unit) ? 'high' : 'medium', `${unit.installTime ? 'install-time ' : ''}code executes ${hit.reason}`, evidenceOf(unit, hit.match)));
      }
    }
    if (encodedDone && remoteDone) break;
  }
  return findings;
}

function mangling(units: SourceFile[]): HeuristicFinding[] {
  for (const unit of units) {
    if (!isObfuscated(unit)) continue;
    const count = manglingCount(unit);
    return [finding('obfuscation.hex-identifiers', 'suspicious', nearHook(unit) ? 'high' : 'medium', `${unit.installTime ? 'install-time ' : ''}code is obfuscated (${count}${count >= 50 ? '+' : ''} hex-mangled identifiers)`, unit.evidence(firstMangledIndex(unit)))];
  }
  return [];
}

const MAX_PREVIOUS_SIZE = 64 * 1024;
const LONG_LINE = 1000;

function entryFileBlowup(context: AnalysisContext): HeuristicFinding[] {
  const previous = context.previous;
  if (!previous || previous.files.size === 0) return [];
  const entries = new Set(entryFiles(context.pkg));
  const findings: HeuristicFinding[] = [];
  for (const [relative, file] of context.pkg.files) {
    if (!/^\.(?:c?js|mjs)$/.test(extensionOf(relative))) continue;
    const before = previous.files.get(relative);
    if (!before || before.bytes.length > MAX_PREVIOUS_SIZE) continue;
    const grown = file.bytes.length - before.bytes.length;
    if (file.bytes.length < before.bytes.length * 2 || grown < 2048) continue;
    const text = file.bytes.toString('utf8');
    const longest = longestLine(text);
    if (longest.length < LONG_LINE || longestLine(before.bytes.toString('utf8')).length >= LONG_LINE) continue;
    const appended = text.startsWith(before.bytes.toString('utf8').trimEnd());
    const unit = context.fileUnits.get(relative);
    const what = entries.has(relative) ? 'entry file' : 'file';
    const message = `${what} ${relative} grew from ${kb(before.bytes.length)} to ${kb(file.bytes.length)} with a new ${kb(longest.length)} line${appended ? ' appended to the previous code' : ''}`;
    findings.push(finding('obfuscation.entry-file-blowup', 'suspicious', entries.has(relative) ? 'high' : 'medium', message, unit?.evidence(longest.index) ?? { file: file.path, line: 1, snippet: message }));
    if (findings.length >= 3) break;
  }
  return findings;
}

function longestLine(text: string): { index: number; length: number } {
  let best = { index: 0, length: 0 };
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (end - start > best.length) best = { index: start, length: end - start };
    if (newline === -1) break;
    start = newline + 1;
  }
  return best;
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function hiddenCode(units: SourceFile[]): HeuristicFinding[] {
  for (const unit of units) {
    // The written text: blanked comments and data blobs are whitespace runs of our own making.
    const text = unit.display;
    if (unit.depth > 0 || !mentions(text, [' '.repeat(150), '\t'.repeat(150)])) continue;
    for (const match of text.matchAll(HIDDEN_TAIL)) {
      const tailStart = match.index + match[0].length;
      const tail = text.slice(tailStart, tailStart + 200);
      if (!/[;(=]/.test(tail) || /^\s*(?:\/\/|\/\*|\*)/.test(tail)) continue;
      return [finding('obfuscation.hidden-code', 'suspicious', nearHook(unit) ? 'high' : 'medium', 'code hidden after a long run of whitespace', unit.evidence(tailStart))];
    }
  }
  return [];
}

function invisibleUnicode(units: SourceFile[]): HeuristicFinding[] {
  for (const unit of units) {
    if (unit.depth > 0) continue;
    const carrier = findEncodedBlobs(unit).find((blob) => blob.encoding === 'invisible-unicode');
    if (carrier) {
      const executes = sinkHits(unit).length > 0;
      const severity = executes ? 'high' : 'medium';
      const category = executes && nearHook(unit) ? 'malware' : 'suspicious';
      return [finding('obfuscation.invisible-unicode', category, severity, `a run of invisible variation selectors carries data${executes ? ' that the file executes' : ''}`, { ...unit.evidence(carrier.index), snippet: `[${carrier.length} invisible characters] ${carrier.decoded.slice(0, 120)}` })];
    }
    const bidi = BIDI_CONTROL.exec(unit.text) ?? INVISIBLE_IDENTIFIER.exec(unit.text);
    if (bidi) return [finding('obfuscation.invisible-unicode', 'suspicious', 'medium', 'bidirectional control or invisible identifier characters in code (Trojan Source)', unit.evidence(bidi.index))];
  }
  return [];
}

function highEntropy(units: SourceFile[]): HeuristicFinding[] {
  for (const unit of units) {
    if (unit.depth > 0 || isAuxiliaryPath(unit.path)) continue;
    const literals = unit.literals ?? [...unit.text.matchAll(LONG_LITERAL)].map((match) => [match.index, match.index + match[0].length] as const);
    for (const [start, end] of literals) {
      if (end - start < 202) continue;
      const length = end - start - 2;
      if (shannonEntropy(unit.display.slice(start + 1, Math.min(end - 1, start + 1 + ENTROPY_SAMPLE))) < 5.2) continue;
      return [finding('obfuscation.high-entropy-string', 'suspicious', unit.installTime ? 'low' : 'info', `high-entropy string literal of ${length} characters`, unit.evidence(start))];
    }
  }
  return [];
}

export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

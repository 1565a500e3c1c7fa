/** What a lifecycle command runs, as far as can be told without a shell. */
export interface CommandTargets {
  /** Paths (relative to the package root, unresolved) of files the command runs or loads. */
  files: string[];
  /** Code passed inline (`node -e "…"`), run as JavaScript. */
  inlineCode: string[];
  /** Other package.json scripts it runs (`npm run setup`). */
  scripts: string[];
}

const SEPARATOR = /^(?:&&|\|\||;|\||&)$/;
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const WRAPPERS = new Set(['sudo', 'env', 'cross-env', 'cross-env-shell', 'nohup', 'exec', 'time', 'npx', 'command', 'start', 'call']);
const NODE_LIKE = new Set(['node', 'nodejs', 'node.exe', 'tsx', 'ts-node', 'babel-node']);
const RUNTIMES = new Set(['bun', 'deno']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'source', '.']);
const INTERPRETERS = new Set(['python', 'python3', 'perl', 'ruby', 'php', 'cscript', 'wscript', 'osascript']);
const NODE_EVAL_FLAGS = new Set(['-e', '--eval', '-p', '--print']);
const NODE_FILE_FLAGS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);
const PACKAGE_MANAGERS = new Set(['npm', 'yarn', 'pnpm']);
const LOCAL_FILE = /^(?:\.{1,2}\/|[\w@-][\w./@-]*\.(?:c?js|mjs|ts|sh|bash|bat|cmd|ps1|py|vbs)$)/i;

export function parseScriptCommand(command: string, depth = 0): CommandTargets {
  const targets: CommandTargets = { files: [], inlineCode: [], scripts: [] };
  for (const segment of splitSegments(tokenize(command))) {
    collectSegment(segment, targets, depth);
  }
  return targets;
}

function collectSegment(words: string[], targets: CommandTargets, depth: number): void {
  let i = 0;
  while (i < words.length && (ENV_ASSIGNMENT.test(words[i]) || WRAPPERS.has(words[i].toLowerCase()) || /^(?:--yes|-y|\/[a-z])$/i.test(words[i]))) i += 1;
  const program = (words[i] ?? '').replace(/^.*[\\/]/, '').toLowerCase();
  const args = words.slice(i + 1);
  if (NODE_LIKE.has(program)) collectNodeArgs(args, targets);
  else if (RUNTIMES.has(program)) collectRuntimeArgs(args, targets);
  else if (SHELLS.has(program)) collectShellArgs(args, targets, depth);
  else if (program === 'cmd' || program === 'cmd.exe') collectCmdArgs(args, targets, depth);
  else if (program === 'powershell' || program === 'pwsh' || program === 'powershell.exe') collectPowerShellArgs(args, targets, depth);
  else if (INTERPRETERS.has(program)) pushFirstFile(args, targets);
  else if (PACKAGE_MANAGERS.has(program)) collectPackageManagerArgs(program, args, targets);
  else if (LOCAL_FILE.test(words[i] ?? '')) targets.files.push(words[i]);
  // Any other word that names a local script is probably run by the program (`run-script-os x.sh`).
  for (const arg of args) if (/^\.{1,2}\//.test(arg) && !targets.files.includes(arg)) targets.files.push(arg);
}

function collectNodeArgs(args: string[], targets: CommandTargets): void {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (NODE_EVAL_FLAGS.has(arg)) {
      if (args[i + 1] !== undefined) targets.inlineCode.push(args[i + 1]);
      return;
    }
    const inlineEval = /^--(?:eval|print)=(.*)$/s.exec(arg);
    if (inlineEval) {
      targets.inlineCode.push(inlineEval[1]);
      return;
    }
    if (NODE_FILE_FLAGS.has(arg)) {
      if (args[i + 1] !== undefined) targets.files.push(args[i + 1]);
      i += 1;
      continue;
    }
    if (arg.startsWith('-')) continue;
    targets.files.push(arg);
    return;
  }
}

function collectRuntimeArgs(args: string[], targets: CommandTargets): void {
  const rest = args[0] === 'run' || args[0] === 'x' ? args.slice(1) : args;
  const evalAt = rest.findIndex((arg) => arg === '-e' || arg === '--eval');
  if (evalAt !== -1 && rest[evalAt + 1] !== undefined) {
    targets.inlineCode.push(rest[evalAt + 1]);
    return;
  }
  pushFirstFile(rest, targets);
}

function collectShellArgs(args: string[], targets: CommandTargets, depth: number): void {
  const inline = args.indexOf('-c');
  if (inline !== -1 && args[inline + 1] !== undefined) {
    if (depth < 3) merge(targets, parseScriptCommand(args[inline + 1], depth + 1));
    return;
  }
  pushFirstFile(args, targets);
}

function collectCmdArgs(args: string[], targets: CommandTargets, depth: number): void {
  const inline = args.findIndex((arg) => /^\/[ck]$/i.test(arg));
  if (inline !== -1 && depth < 3) merge(targets, parseScriptCommand(args.slice(inline + 1).join(' '), depth + 1));
}

function collectPowerShellArgs(args: string[], targets: CommandTargets, depth: number): void {
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i].toLowerCase();
    if ((flag === '-file' || flag === '-f') && args[i + 1]) targets.files.push(args[i + 1]);
    if ((flag === '-command' || flag === '-c') && args[i + 1] && depth < 3) merge(targets, parseScriptCommand(args[i + 1], depth + 1));
  }
}

function collectPackageManagerArgs(program: string, args: string[], targets: CommandTargets): void {
  const [verb, name] = args;
  if ((verb === 'run' || verb === 'run-script') && name) targets.scripts.push(name);
  else if (program !== 'npm' && verb && !verb.startsWith('-') && !['install', 'add', 'i', 'exec', 'dlx'].includes(verb)) targets.scripts.push(verb);
}

function pushFirstFile(args: string[], targets: CommandTargets): void {
  const file = args.find((arg) => !arg.startsWith('-'));
  if (file !== undefined) targets.files.push(file);
}

function merge(into: CommandTargets, from: CommandTargets): void {
  into.files.push(...from.files);
  into.inlineCode.push(...from.inlineCode);
  into.scripts.push(...from.scripts);
}

/** Splits a command line into words and operators, honouring quotes and backslash escapes. */
export function tokenize(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let started = false;
  const push = () => {
    if (started) words.push(current);
    current = '';
    started = false;
  };
  for (let i = 0; i < command.length; i += 1) {
    const char = command[i];
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && (command[i + 1] === '"' || command[i + 1] === '\\')) current += command[++i];
      else current += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (char === '\\' && i + 1 < command.length) {
      current += command[++i];
      started = true;
    } else if (/\s/.test(char)) {
      push();
    } else if (char === '&' || char === '|' || char === ';') {
      push();
      const double = command[i + 1] === char && char !== ';';
      words.push(double ? char + char : char);
      if (double) i += 1;
    } else {
      current += char;
      started = true;
    }
  }
  push();
  return words;
}

function splitSegments(words: string[]): string[][] {
  const segments: string[][] = [[]];
  for (const word of words) {
    if (SEPARATOR.test(word)) segments.push([]);
    else segments[segments.length - 1].push(word);
  }
  return segments.filter((segment) => segment.length > 0);
}

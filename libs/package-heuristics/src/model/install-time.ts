import { MAX_SCANNED_BYTES, sourceKindOf } from './file-kinds';
import { localReferences, withSuffix } from './module-graph';
import { type InstallHook, type PackageView, scriptsOf } from './package-view';
import { parseScriptCommand } from './script-command';

/** Best-effort closure of what runs at install time: the hooks' files, what they load, and inline code. */
export interface InstallTimeCode {
  files: Set<string>;
  /** How far each file is from a hook: 0 = run by the hook command, 1 = loaded by such a file, … */
  depth: Map<string, number>;
  inline: { hook: InstallHook; code: string }[];
  /** A hook runs node-gyp (explicitly or implicitly), which executes binding.gyp command expansions. */
  runsGyp: boolean;
}

const MAX_INSTALL_FILES = 200;
const GYP_RUNNERS = /\b(?:node-gyp|node-pre-gyp|prebuild-install|node-gyp-build|cmake-js)\b/;

export function installTimeCode(view: PackageView): InstallTimeCode {
  const scripts = scriptsOf(view);
  const result: InstallTimeCode = { files: new Set(), depth: new Map(), inline: [], runsGyp: false };
  const queue: string[] = [];
  const enqueue = (path: string, depth: number) => {
    if (result.files.has(path) || result.files.size >= MAX_INSTALL_FILES) return;
    result.files.add(path);
    result.depth.set(path, depth);
    queue.push(path);
  };

  for (const hook of view.hooks) {
    const commands = expandScripts(hook.command, scripts);
    for (const command of commands) {
      if (GYP_RUNNERS.test(command)) result.runsGyp = true;
      const targets = parseScriptCommand(command);
      for (const code of targets.inlineCode) result.inline.push({ hook, code });
      for (const file of targets.files) {
        const resolved = withSuffix(file.replace(/^\.\//, '').replace(/\\/g, '/'), view.resolver);
        if (resolved) enqueue(resolved, 0);
      }
    }
  }
  if (result.runsGyp && view.files.has('binding.gyp')) enqueue('binding.gyp', 0);
  for (const { code } of result.inline) {
    for (const path of localReferences(code, 'package.json', view.resolver)) enqueue(path, 0);
  }

  while (queue.length > 0) {
    const path = queue.shift() as string;
    const file = view.files.get(path);
    if (!file || file.bytes.length > MAX_SCANNED_BYTES || !sourceKindOf(path, file.bytes)) continue;
    const depth = (result.depth.get(path) ?? 0) + 1;
    for (const reference of localReferences(file.bytes.toString('utf8'), path, view.resolver)) enqueue(reference, depth);
  }
  return result;
}

/** A hook command plus the package scripts it runs through `npm run x` (a hook can hide behind one). */
function expandScripts(command: string, scripts: Record<string, string>): string[] {
  const commands = [command];
  const seen = new Set<string>();
  for (let i = 0; i < commands.length && i < 20; i += 1) {
    for (const name of parseScriptCommand(commands[i]).scripts) {
      const script = scripts[name];
      if (script !== undefined && !seen.has(name)) {
        seen.add(name);
        commands.push(script);
      }
    }
  }
  return commands;
}

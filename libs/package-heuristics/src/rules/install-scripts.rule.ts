import type { AnalysisContext } from '../model/analysis-context';
import { isRunnableScript } from '../model/file-kinds';
import { packageJsonLine } from '../model/package-view';
import { truncate } from '../model/source-file';
import { detect } from '../signals/detector';
import { PIPE_TO_SHELL } from '../signals/droppers';
import type { HeuristicEvidence, HeuristicFinding, HeuristicSeverity } from '../types';
import { type RuleFamily, evidenceOf, finding } from './rule';

/** Build-tool hooks every native addon has; alone they say nothing about intent. */
const BUILD_TOOL_COMMAND = /^(?:node-gyp rebuild|node-gyp-build(?:-optional)?|prebuild-install(?:\s+\S+)*(?:\s*\|\|\s*node-gyp rebuild(?:\s+\S+)*)?|(?:node-pre-gyp|@mapbox\/node-pre-gyp) install(?:\s+\S+)*|cmake-js (?:compile|rebuild|build)(?:\s+\S+)*|napi-postinstall(?:\s+\S+)*)$/;

const LARGE_INSTALL_PAYLOAD = 1024 * 1024;
const HUGE_INSTALL_PAYLOAD = 5 * 1024 * 1024;

export const installScriptRules: RuleFamily = {
  name: 'install-scripts',
  rules: [
    { id: 'install-script.present', description: 'The package runs a preinstall/install/postinstall hook (info for build tools, low otherwise). `prepare` is ignored: it does not run for registry tarballs.' },
    { id: 'install-script.implicit-node-gyp', description: 'A root binding.gyp and no install/preinstall script: npm runs `node-gyp rebuild` on install.' },
    { id: 'install-script.added', description: 'An install hook the previous version did not have (medium; high in a patch release).' },
    { id: 'install-script.changed', description: 'An install hook whose command differs from the previous version (medium; high in a patch release).' },
    { id: 'install-script.pipe-to-shell', description: 'Install-time code downloads a script and pipes it straight into a shell or interpreter.' },
    { id: 'install-script.large-payload', description: 'A hook runs a JavaScript file over 1 MB (low; medium over 5 MB or behind a new/changed hook, high for both): multi-MB bundles are how worm payloads ship.' },
  ],
  check(context) {
    const findings: HeuristicFinding[] = [];
    const { pkg } = context;
    for (const hook of pkg.hooks) {
      const evidence = hookEvidence(context, hook.name, hook.implicit ? undefined : hook.command);
      if (hook.implicit) {
        findings.push(finding('install-script.implicit-node-gyp', 'install-script', 'info', 'binding.gyp at the package root: npm runs `node-gyp rebuild` on install', evidence));
        continue;
      }
      const buildTool = BUILD_TOOL_COMMAND.test(hook.command.trim());
      findings.push(finding('install-script.present', 'install-script', buildTool ? 'info' : 'low', `${hook.name} script: ${truncate(hook.command, 100)}`, evidence));
    }

    const patch = context.releaseType === 'patch' || context.releaseType === 'prerelease';
    for (const change of context.hookChanges) {
      const severity: HeuristicSeverity = patch ? 'high' : 'medium';
      const release = patch ? ' in a patch release' : '';
      const evidence = hookEvidence(context, change.hook.name, change.hook.implicit ? undefined : change.hook.command);
      if (change.previousCommand === undefined) {
        findings.push(finding('install-script.added', 'install-script', severity, `new ${change.hook.name} hook${release} (the previous version ${context.input.previous?.version} had none): ${truncate(change.hook.command, 100)}`, evidence));
      } else {
        findings.push(finding('install-script.changed', 'install-script', severity, `${change.hook.name} hook changed${release}: was "${truncate(change.previousCommand, 60)}", now "${truncate(change.hook.command, 60)}"`, evidence));
      }
    }

    for (const unit of context.installUnits) {
      const match = detect(unit, PIPE_TO_SHELL);
      if (match) {
        findings.push(finding('install-script.pipe-to-shell', 'suspicious', 'high', 'install-time code pipes a downloaded script into an interpreter', evidenceOf(unit, match)));
        break;
      }
    }

    // Bundled installers exist (low); multi-megabyte ones, or big ones behind a new hook, are how worms ship.
    const novel = context.hookChanges.length > 0;
    for (const relative of context.installCode.files) {
      const file = pkg.files.get(relative);
      if (!file || file.bytes.length < LARGE_INSTALL_PAYLOAD || !isRunnableScript(relative) || (context.installCode.depth.get(relative) ?? 0) > 1) continue;
      const huge = file.bytes.length >= HUGE_INSTALL_PAYLOAD;
      const severity = huge ? (novel ? 'high' : 'medium') : novel ? 'medium' : 'low';
      const megabytes = (file.bytes.length / 1024 / 1024).toFixed(1);
      findings.push(
        finding('install-script.large-payload', 'suspicious', severity, `install-time code loads ${relative}, ${megabytes} MB of JavaScript`, {
          file: file.path,
          line: 1,
          snippet: `${megabytes} MB file run at install time`,
        }),
      );
    }
    return findings;
  },
};

export function hookEvidence(context: AnalysisContext, hook: string, command?: string): HeuristicEvidence {
  const { pkg } = context;
  return {
    file: `${pkg.root}/package.json`,
    line: packageJsonLine(pkg, hook, command),
    snippet: truncate(command === undefined ? 'binding.gyp → node-gyp rebuild' : `"${hook}": ${JSON.stringify(command)}`),
  };
}

import type { AnalysisContext } from '../model/analysis-context';
import { baseName, isRunnableScript } from '../model/file-kinds';
import type { SignalMatch, SourceFile } from '../model/source-file';
import { FS_WRITE, NETWORK, SPAWN } from '../signals/capabilities';
import { credentialAccesses } from '../signals/credentials';
import { detect, detectorOf, firstMatch, hinted, patternDetector } from '../signals/detector';
import { isObfuscated } from '../signals/mangling';
import type { HeuristicFinding, HeuristicSeverity } from '../types';
import { type RuleFamily, evidenceOf, finding, nearHook } from './rule';

const SECRET_SCANNER = patternDetector('secret-scanner', [hinted(/(?<![a-z])(?:trufflehog|gitleaks)/i, 'ruffle', 'RUFFLE', 'itleaks', 'ITLEAKS')]);

// Self-propagation: who am I, which packages can I publish, republish them with my code inside.
const IDENTITY = patternDetector('npm-identity', [hinted(/\/-\/whoami\b|\bnpm\s+whoami\b/, 'whoami')]);
const ENUMERATE = patternDetector('npm-enumerate', [hinted(/\bmaintainer:|\/-\/v1\/search\b[^'"`\n]{0,80}maintainer|\/-\/(?:user|org)\/[^'"`\s]*\/package\b|\bnpm\s+access\s+(?:ls-packages|list\s+packages)\b/, 'maintainer', 'ls-packages', 'list packages', '/-/user/', '/-/org/')]);
const PUBLISH = patternDetector('npm-publish', [hinted(/\bnpm\s+publish\b|\blibnpmpublish\b|['"`]_attachments['"`]|\b_attachments\s*:|\bpublish\s*\(\s*[\w$.]*(?:manifest|pkg|tarball|packument)/i, 'publish', 'Publish', '_attachments')]);
const BUMP = patternDetector('version-bump', [hinted(/\bnpm\s+version\s+(?:patch|minor|major|prerelease)\b|\bsemver\.inc\s*\(|\.inc\s*\([^,)]*,\s*['"`]patch['"`]|\.version\s*=\s*[^;\n]*\+\s*1\b|\bpatch\s*\+\s*1\b|\[2\]\s*\)?\s*\+\s*1\b|\bparseInt\([^)]*\)\s*\+\s*1\b/, 'version', 'inc(', '+ 1', '+1')]);
const INJECT = patternDetector('script-injection', [hinted(/\bscripts\s*(?:\.\s*|\[\s*['"`])(?:pre|post)?install(?:['"`]\s*\])?\s*=(?!=)|\bscripts\s*[=:]\s*\{[^}]{0,200}(?:pre|post)?install['"`]?\s*:/, 'scripts')]);
const SELF_COPY = patternDetector('self-copy', [hinted(/\b(?:copyFile|copyFileSync|cp|cpSync)\s*\(\s*(?:__filename|process\.argv\[1\])|\b(?:readFile|readFileSync)\s*\(\s*(?:__filename|process\.argv\[1\])/, '__filename', 'argv[1]')]);
const TARBALL_FETCH = patternDetector('tarball-fetch', [hinted(/\bdist\s*\.\s*tarball\b|\bnpm\s+pack\s+\S|\/-\/[\w.${}-]+\.tgz\b/, 'tarball', 'npm pack', '.tgz')]);

// Workflow injection: code that adds a GitHub Actions workflow, especially one that dumps secrets.
const WORKFLOW_PATH = patternDetector('workflow-path', [hinted(/\.github[/\\]workflows\b|['"`]\.github['"`]\s*,\s*['"`]workflows['"`]/, '.github', 'workflows')]);
const REPO_WRITE = patternDetector('repo-write', [hinted(/\/contents\/|createOrUpdateFileContents|\/git\/(?:trees|blobs|commits|refs)\b|\bgit\s+(?:add|commit|push)\b/, '/contents/', 'createOrUpdateFileContents', '/git/', 'git ')]);
const SECRETS_DUMP = patternDetector('secrets-dump', [hinted(/toJSON\(\s*secrets\s*\)|github\.event\.discussion\.(?:body|title)/, 'secrets', 'discussion')]);
const RUNNER_REGISTRATION = patternDetector('runner-registration', [hinted(/\/actions\/runners\/registration-token\b|\bconfig\.(?:sh|cmd)\s+--url\b/, 'runners/registration', 'config.sh', 'config.cmd')]);

// Runtime bootstrap: install Bun/Deno at install time, then run a (large) file of the package with it.
const RUNTIME_INSTALL = patternDetector('runtime-install', [hinted(/bun\.sh\/install|oven-sh\/bun\/releases|\bbun-(?:linux|darwin|windows)-(?:x64|aarch64)|\bnpm\s+(?:i|install)\s+(?:-g\s+|--global\s+)?bun\b|deno\.land\/(?:x\/)?install|denoland\/deno\/releases|\bnpx\s+(?:-y\s+)?bun\b/, 'bun', 'deno')]);
const RUNTIME_EXEC = detectorOf('runtime-exec', (unit) => {
  const spawns = detect(unit, SPAWN) || unit.kind === 'shell';
  if (!spawns) return undefined;
  return firstMatch(unit.text, [/(['"`])(?:bun|bun\.exe|deno)\1/, /\b(?:bun|deno)(?:\s+run)?\s+(?:-\S+\s+)*[^\s'"`;|&]+\.(?:c?js|mjs|ts)\b/, /[/\\]\.bun[/\\]bin[/\\]bun\b/]);
});

const REPO_EXPOSE = patternDetector('repo-expose', [hinted(/\/user\/repos\b|createForAuthenticatedUser|\bgh\s+repo\s+create\b|\bprivate\s*:\s*false\b|visibility['"`]?\s*:\s*['"`]public|--visibility\s+public/, '/user/repos', 'createForAuthenticatedUser', 'repo create', 'private', 'visibility')]);

const CAMPAIGN_MARKER = patternDetector('campaign-marker', [hinted(/\bSha[i1]-?Hulud\b|\bs1ngularity-repository\b|\bbun_environment\.js\b|\btruffleSecrets\.json\b|shai-hulud-workflow\.yml/i, 'ulud', 'ULUD', 's1ngularity', 'bun_environment', 'truffleSecrets', 'shai-hulud')]);
const CAMPAIGN_FILE = /^(?:setup_bun\.js|bun_environment\.js)$/;

const LARGE_PAYLOAD = 1024 * 1024;

/** Indicators of the 2025 npm worms (Shai-Hulud, Sha1-Hulud "Second Coming") as techniques, plus their known markers. */
export const wormRules: RuleFamily = {
  name: 'worm',
  rules: [
    { id: 'worm.secret-scanner', description: 'Code downloads or runs a secret scanner (TruffleHog, gitleaks) to harvest credentials.' },
    { id: 'worm.self-propagation', description: 'Code republishes packages: npm identity/token + enumerating the maintainer\'s packages + injecting scripts or itself + version bump + publish.' },
    { id: 'worm.workflow-injection', description: 'Code writes a GitHub Actions workflow (.github/workflows) or one that dumps secrets / runs discussion bodies; self-hosted runner registration.' },
    { id: 'worm.runtime-bootstrap', description: 'Install-time code installs Bun/Deno and runs a package file with it (critical when that file is large or obfuscated).' },
    { id: 'worm.repo-exfiltration', description: 'Code that harvests credentials creates public GitHub repositories or flips repositories public and uploads to them.' },
    { id: 'worm.known-marker', description: 'Known markers of the 2025 worm campaigns (Shai-Hulud names, setup_bun.js/bun_environment.js, truffleSecrets.json, s1ngularity-repository).' },
  ],
  check(context) {
    const findings: HeuristicFinding[] = [];
    const units = context.units.filter((unit) => unit.kind === 'js' || unit.kind === 'shell');
    findings.push(...first(units, (unit) => secretScanner(unit)));
    findings.push(...first(units, (unit) => selfPropagation(unit)));
    findings.push(...first(units, (unit) => workflowInjection(unit)));
    findings.push(...runtimeBootstrap(context));
    findings.push(...first(units, (unit) => repoExfiltration(unit)));
    findings.push(...knownMarkers(context, units));
    return findings;
  },
};

function first(units: SourceFile[], check: (unit: SourceFile) => HeuristicFinding | undefined): HeuristicFinding[] {
  for (const unit of units) {
    const found = check(unit);
    if (found) return [found];
  }
  return [];
}

function secretScanner(unit: SourceFile): HeuristicFinding | undefined {
  const match = detect(unit, SECRET_SCANNER);
  if (!match || !(detect(unit, SPAWN) || detect(unit, NETWORK) || unit.kind === 'shell')) return undefined;
  return finding('worm.secret-scanner', 'malware', nearHook(unit) ? 'critical' : 'high', `code runs or fetches the secret scanner "${match.text}"`, evidenceOf(unit, match));
}

function selfPropagation(unit: SourceFile): HeuristicFinding | undefined {
  const publish = detect(unit, PUBLISH);
  if (!publish) return undefined;
  const strong = [ENUMERATE, INJECT, SELF_COPY].filter((detector) => detect(unit, detector));
  const weak = [IDENTITY, BUMP, TARBALL_FETCH].filter((detector) => detect(unit, detector)).length + (credentialAccesses(unit).length > 0 ? 1 : 0);
  const signals = [...strong.map((detector) => detector.id)];
  let severity: HeuristicSeverity | undefined;
  if (strong.length >= 1 && strong.length + weak >= 3) severity = 'critical';
  else if (strong.length >= 1 && weak >= 1) severity = 'high';
  else if (nearHook(unit)) severity = 'high';
  if (!severity) return undefined;
  const detail = signals.length > 0 ? ` (${signals.join(', ')}, ${weak} supporting signals)` : '';
  return finding('worm.self-propagation', 'malware', severity, `${unit.installTime ? 'install-time ' : ''}code publishes packages${detail}`, evidenceOf(unit, publish));
}

function workflowInjection(unit: SourceFile): HeuristicFinding | undefined {
  const dump = detect(unit, SECRETS_DUMP);
  const path = detect(unit, WORKFLOW_PATH);
  const writes = path && (detect(unit, FS_WRITE) || detect(unit, REPO_WRITE));
  if (dump) {
    return finding('worm.workflow-injection', 'malware', writes ? 'critical' : 'high', `code carries a workflow that ${dump.text.includes('discussion') ? 'runs discussion text (backdoor)' : 'dumps every secret'}`, evidenceOf(unit, dump));
  }
  const runner = detect(unit, RUNNER_REGISTRATION);
  if (runner) return finding('worm.workflow-injection', nearHook(unit) ? 'malware' : 'suspicious', nearHook(unit) ? 'high' : 'medium', 'code registers a self-hosted GitHub Actions runner', evidenceOf(unit, runner));
  if (path && writes) {
    // Project generators write workflows at runtime; install-time code has no reason to.
    if (nearHook(unit)) return finding('worm.workflow-injection', 'malware', 'high', 'install-time code writes a GitHub Actions workflow', evidenceOf(unit, path));
    return finding('worm.workflow-injection', 'suspicious', 'low', 'code writes a GitHub Actions workflow', evidenceOf(unit, path));
  }
  return undefined;
}

function runtimeBootstrap(context: AnalysisContext): HeuristicFinding[] {
  let trigger: { unit: SourceFile; match: SignalMatch } | undefined;
  for (const unit of context.installUnits) {
    // Installing a runtime counts anywhere in install code; merely calling one only close to the hook.
    const match = detect(unit, RUNTIME_INSTALL) ?? (unit.installDepth <= 1 ? detect(unit, RUNTIME_EXEC) : undefined);
    if (match) {
      trigger = { unit, match };
      break;
    }
  }
  if (!trigger) return [];
  const payload = [...context.installCode.files].find((relative) => {
    const file = context.pkg.files.get(relative);
    if (!file || !isRunnableScript(relative)) return false;
    const unit = context.fileUnits.get(relative);
    return file.bytes.length >= LARGE_PAYLOAD || (unit !== undefined && isObfuscated(unit));
  });
  if (payload) {
    return [finding('worm.runtime-bootstrap', 'malware', 'critical', `install-time code bootstraps a JavaScript runtime and runs ${payload}, which is large or obfuscated`, evidenceOf(trigger.unit, trigger.match))];
  }
  return [finding('worm.runtime-bootstrap', 'suspicious', 'high', 'install-time code installs or invokes Bun/Deno to run package code', evidenceOf(trigger.unit, trigger.match))];
}

function repoExfiltration(unit: SourceFile): HeuristicFinding | undefined {
  const expose = detect(unit, REPO_EXPOSE);
  if (!expose || !detect(unit, REPO_WRITE) || credentialAccesses(unit).length === 0) return undefined;
  return finding('worm.repo-exfiltration', 'malware', 'high', 'code harvests credentials and publishes them to a GitHub repository', evidenceOf(unit, expose));
}

function knownMarkers(context: AnalysisContext, units: SourceFile[]): HeuristicFinding[] {
  for (const unit of units) {
    const match = detect(unit, CAMPAIGN_MARKER);
    if (match) return [finding('worm.known-marker', 'malware', 'high', `known worm-campaign marker "${match.text}"`, evidenceOf(unit, match))];
  }
  const files = [...context.pkg.files.values()].filter((file) => CAMPAIGN_FILE.test(baseName(file.path)));
  if (files.length > 0) {
    return [finding('worm.known-marker', 'malware', 'high', `file named like a worm-campaign payload: ${files.map((file) => baseName(file.path)).join(', ')}`, { file: files[0].path, line: 1, snippet: baseName(files[0].path) })];
  }
  return [];
}

import type { SignalMatch, SourceFile } from '../model/source-file';
import { type Pattern, detect, detectorOf, firstMatch, hinted, patternDetector } from './detector';

/** Variable names that hold secrets: NPM_TOKEN, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, *_API_KEY, … */
const SECRET_NAME =
  /(?:^|_)(?:TOKEN|SECRETS?|PASSWORD|PASSWD|PASS|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY(?:_?ID)?|SECRET_?KEY|CREDENTIALS?|AUTH|AUTHTOKEN|AUTH_?TOKEN|SESSION_?TOKEN|WEBHOOK(?:_?URL)?|MNEMONIC|SEED_?PHRASE)(?:_|$)/;

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper.startsWith('NPM_CONFIG_') && !/_AUTH(?:TOKEN)?$/.test(upper)) return false;
  return SECRET_NAME.test(upper);
}

const ENV_MEMBER = /\b(?:process\s*(?:\.\s*env|\[\s*['"`]env['"`]\s*\])|Bun\.env|import\.meta\.env)\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"`])([^'"`\n]{1,80})\2\s*\])/g;
const ENV_DESTRUCTURE = /\b(?:const|let|var)\s*\{([^}]{1,600})\}\s*=\s*(?:process\.env|Bun\.env)\b/g;
const DENO_ENV = /\bDeno\.env\.get\s*\(\s*['"`]([\w]+)['"`]/g;
const SHELL_VARIABLE = /\$\{?([A-Z][A-Z0-9_]{2,})\}?|%([A-Z][A-Z0-9_]{2,})%|\$env:([A-Za-z_]\w*)|\bos\.(?:environ(?:\.get)?\s*[[(]\s*|getenv\s*\(\s*)['"]([A-Za-z_]\w*)['"]|ExpandEnvironmentStrings\s*\(\s*"%([A-Za-z_]\w*)%"/g;
/** `execSync('curl -d "$NPM_TOKEN" …')`: shell expansion inside a JavaScript string (not `${js}` interpolation). */
const SHELL_VARIABLE_IN_STRING = /(?<![\w$])\$([A-Z][A-Z0-9_]{2,})\b|%([A-Z][A-Z0-9_]{2,})%/g;
const NAME_LITERAL = /(['"`])([A-Z][A-Z0-9]*_[A-Z0-9_]+)\1/g;

/** Reads of secret-named environment variables, in any of the ways code can name them. */
export const SECRET_ENV_READ = detectorOf('secret-env-read', (unit) => {
  const text = unit.text;
  if (!/env|\$[A-Z]|%[A-Z]/.test(text)) return undefined;
  if (unit.kind === 'js') {
    for (const match of text.matchAll(ENV_MEMBER)) {
      const name = match[1] ?? match[3];
      if (name && isSecretName(name)) return { index: match.index, text: match[0] };
    }
    for (const match of text.matchAll(ENV_DESTRUCTURE)) {
      const names = match[1].split(',').map((part) => part.split(':')[0].trim());
      if (names.some(isSecretName)) return { index: match.index, text: match[0] };
    }
    for (const match of text.matchAll(DENO_ENV)) if (isSecretName(match[1])) return { index: match.index, text: match[0] };
    // `['NPM_TOKEN', 'GITHUB_TOKEN'].map((k) => env[k])`: secret names listed next to an env lookup.
    if (/\benv\b/.test(text)) {
      for (const match of text.matchAll(NAME_LITERAL)) if (isSecretName(match[2])) return { index: match.index, text: match[0] };
    }
    for (const match of text.matchAll(SHELL_VARIABLE_IN_STRING)) if (isSecretName(match[1] ?? match[2])) return { index: match.index, text: match[0] };
    return undefined;
  }
  for (const match of text.matchAll(SHELL_VARIABLE)) {
    const name = match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[5];
    if (name && isSecretName(name)) return { index: match.index, text: match[0] };
  }
  return undefined;
});

/** Who the credential belongs to: an API client uses one family; a stealer sweeps several. */
export type CredentialFamily = 'npm' | 'github' | 'ssh' | 'cloud' | 'wallet' | 'browser' | 'shell-history' | 'system' | 'dotenv' | 'other-registry' | 'secret-scanner';

interface CredentialSource {
  family: CredentialFamily;
  kind: 'file' | 'command';
  pattern: Pattern;
}

/** Credential files (npm/yarn auth, SSH keys, cloud CLIs, wallets, browser stores…) and the commands that print credentials. */
const CREDENTIAL_SOURCES: readonly CredentialSource[] = [
  { family: 'npm', kind: 'file', pattern: hinted(/(?:^|[^\w.])\.npmrc\b/m, '.npmrc') },
  { family: 'npm', kind: 'file', pattern: hinted(/\.yarnrc\.yml\b/, '.yarnrc') },
  { family: 'ssh', kind: 'file', pattern: hinted(/['"`/\\~]\.ssh(?:['"`/\\]|$)/m, '.ssh') },
  { family: 'ssh', kind: 'file', pattern: hinted(/\bid_(?:rsa|dsa|ecdsa|ed25519)\b/, 'id_') },
  { family: 'cloud', kind: 'file', pattern: hinted(/['"`/\\~]\.aws['"`/\\]/, '.aws') },
  { family: 'cloud', kind: 'file', pattern: hinted(/\bapplication_default_credentials\.json\b|['"`/\\]\.config[/\\]gcloud\b|['"`]gcloud['"`]\s*,\s*['"`]credentials/, 'gcloud', 'application_default') },
  { family: 'cloud', kind: 'file', pattern: hinted(/['"`/\\~]\.azure['"`/\\]/, '.azure') },
  { family: 'cloud', kind: 'file', pattern: hinted(/['"`/\\~]\.kube['"`/\\]\s*(?:config\b|['"`])/, '.kube') },
  { family: 'cloud', kind: 'file', pattern: hinted(/\.docker[/\\]config\.json\b|['"`]\.docker['"`]\s*,\s*['"`]config\.json['"`]/, '.docker') },
  { family: 'github', kind: 'file', pattern: hinted(/\.git-credentials\b|\.config[/\\]gh[/\\]hosts\.yml\b|['"`]gh['"`]\s*,\s*['"`]hosts\.yml['"`]/, 'credentials', 'hosts.yml') },
  { family: 'system', kind: 'file', pattern: hinted(/['"`/\\~]\.netrc\b|\.pgpass\b|\/etc\/shadow\b/, 'netrc', 'pgpass', '/etc/shadow') },
  { family: 'shell-history', kind: 'file', pattern: hinted(/\.(?:bash|zsh)_history\b/, '_history') },
  { family: 'wallet', kind: 'file', pattern: hinted(/\bwallet\.dat\b|[/\\](?:Ethereum|\.ethereum)[/\\]keystore\b|\.config[/\\]solana[/\\]id\.json|\bexodus\.wallet\b|[/\\]\.electrum[/\\]/i, 'wallet', 'keystore', 'solana', 'electrum') },
  { family: 'browser', kind: 'file', pattern: hinted(/\bLocal Extension Settings\b|\bLogin Data\b|\bnkbihfbeogaeaoehlefnkodbefgpgknn\b/, 'Local Extension', 'Login Data', 'nkbihf') },
  { family: 'other-registry', kind: 'file', pattern: hinted(/\.pypirc\b|\.cargo[/\\]credentials|\.gem[/\\]credentials|\.vault-token\b|credentials\.tfrc\.json\b/, 'pypirc', 'credentials', 'vault-token') },
  { family: 'dotenv', kind: 'file', pattern: hinted(/['"`/\\]\.env(?:\.local|\.production)?['"`]/, "'.env", '".env', '`.env', '/.env', '\\.env') },
  { family: 'github', kind: 'command', pattern: hinted(/\bgh\s+auth\s+(?:token|status\s+(?:-t|--show-token))\b/, 'auth') },
  { family: 'github', kind: 'command', pattern: hinted(/\bgit\s+credential\s+fill\b/, 'credential') },
  { family: 'npm', kind: 'command', pattern: hinted(/\bnpm\s+config\s+get\s+[^'"`\n]*(?:_auth|token)/i, 'config') },
  { family: 'npm', kind: 'command', pattern: hinted(/\bnpm\s+token\s+(?:list|create)\b/, 'token') },
  { family: 'cloud', kind: 'command', pattern: hinted(/\bgcloud\s+auth\s+(?:application-default\s+)?print-access-token\b|\baz\s+account\s+get-access-token\b/, 'access-token') },
  { family: 'cloud', kind: 'command', pattern: hinted(/\baws\s+(?:configure\s+(?:export-credentials|get)|sts\s+get-session-token|secretsmanager\s+get-secret-value|ssm\s+get-parameters?)\b/, 'aws') },
  { family: 'cloud', kind: 'command', pattern: hinted(/\bGetSecretValueCommand\b|\bSecretManagerServiceClient\b|\baccessSecretVersion\s*\(/, 'GetSecretValue', 'SecretManager', 'accessSecretVersion') },
  { family: 'system', kind: 'command', pattern: hinted(/\bsecurity\s+find-(?:generic|internet)-password\b/, 'find-') },
  { family: 'secret-scanner', kind: 'command', pattern: hinted(/(?<![a-z])(?:trufflehog|gitleaks|detect-secrets)/i, 'ruffle', 'RUFFLE', 'itleaks', 'detect-secrets') },
];

export const CREDENTIAL_FILE = patternDetector('credential-file', CREDENTIAL_SOURCES.filter((source) => source.kind === 'file').map((source) => source.pattern));
export const CREDENTIAL_COMMAND = patternDetector('credential-command', CREDENTIAL_SOURCES.filter((source) => source.kind === 'command').map((source) => source.pattern));

/** Every credential family a unit reaches for through files or commands, with the first match of each. */
export function credentialFamilies(unit: SourceFile): Map<CredentialFamily, SignalMatch> {
  return unit.memo('credential-families', () => {
    const found = new Map<CredentialFamily, SignalMatch>();
    for (const source of CREDENTIAL_SOURCES) {
      if (found.has(source.family)) continue;
      const match = firstMatch(unit.text, [source.pattern]);
      if (match) found.set(source.family, match);
    }
    return found;
  });
}

/** Cloud instance-metadata endpoints that hand out role credentials (what cloud SDKs call at runtime, too). */
export const CLOUD_METADATA = patternDetector('cloud-metadata', [hinted(/\b169\.254\.169\.254\b|\b169\.254\.170\.2\b|\bmetadata\.google\.internal\b/, '169.254.', 'metadata.google')]);

/** `process.env` or `process['env']`, as a whole (not one of its members). */
const WHOLE_ENV = String.raw`process\s*(?:\.\s*env|\[\s*['"\x60]env['"\x60]\s*\])(?!\s*(?:\.|\[|\?\.))`;
const BULK_ENV_PATTERNS = [
  new RegExp(String.raw`\b(?:JSON\.stringify|util\.inspect|querystring\.stringify|URLSearchParams)\s*\([^;]{0,200}?${WHOLE_ENV}`),
  new RegExp(String.raw`\bObject\.(?:keys|entries|values|getOwnPropertyNames)\s*\(\s*${WHOLE_ENV}\s*\)`),
  new RegExp(String.raw`\bfor\s*\(\s*(?:const|let|var)?\s*[\w$]+\s+in\s+${WHOLE_ENV}\s*\)`),
];
const ENV_ALIAS = new RegExp(String.raw`\b(?:const|let|var)\s+([\w$]+)\s*=\s*${WHOLE_ENV}\s*[;,\n]`, 'g');
const SHELL_BULK_ENV = [/\bprintenv\b/, /\b(?:dict|json\.dumps)\s*\(\s*(?:dict\s*\(\s*)?os\.environ\b|\bos\.environ\.(?:items|copy)\s*\(/, /(?:^|[;&|`(]|\$\()\s*env\s*(?:$|[|>;)`])/m, /\b(?:Get-ChildItem|gci|dir|ls)\s+env:/i, /(?:^|[;&|])\s*set\s*>/im];

/** The whole environment serialised or iterated: the cheapest way to grab every secret at once. */
export const BULK_ENV = detectorOf('bulk-env', (unit) => {
  if (unit.kind !== 'js') return firstMatch(unit.text, SHELL_BULK_ENV);
  if (!unit.text.includes('env')) return undefined;
  const direct = firstMatch(unit.text, BULK_ENV_PATTERNS);
  if (direct) return direct;
  for (const alias of unit.text.matchAll(ENV_ALIAS)) {
    const name = alias[1].replace(/\$/g, '\\$');
    const use = new RegExp(String.raw`\b(?:JSON\.stringify|Object\.(?:keys|entries|values))\s*\(\s*${name}\s*[,)]|\bfor\s*\(\s*(?:const|let|var)?\s*[\w$]+\s+in\s+${name}\s*\)`).exec(unit.text);
    if (use) return { index: use.index, text: use[0] };
  }
  return undefined;
});

export type SysinfoKind = 'hostname' | 'user' | 'network-interfaces' | 'public-ip' | 'os-details';

const SYSINFO_PATTERNS: Record<SysinfoKind, RegExp[]> = {
  hostname: [/\bhostname\s*\(\s*\)/, /\bprocess\.env(?:\.|\[['"`])(?:HOSTNAME|COMPUTERNAME)\b/, /(?:^|[\s`$(;|&])hostname(?:\s*$|\s*[|;&`)])/m, /%COMPUTERNAME%/],
  user: [/\buserInfo\s*\(/, /\bprocess\.env(?:\.|\[['"`])(?:USER|USERNAME|LOGNAME)\b/, /(?:^|[\s`$(;|&'"])whoami\b/m, /\$\{?USER(?:NAME)?\}?\b/, /%USERNAME%/],
  'network-interfaces': [/\bnetworkInterfaces\s*\(/, /\b(?:ifconfig|ipconfig)\b/, /(?:^|[\s`$(;|&])ip\s+a(?:ddr)?\b/m],
  'public-ip': [/\b(?:ipinfo\.io|api\.ipify\.org|ifconfig\.me|icanhazip\.com|ip-api\.com|checkip\.amazonaws\.com|ipapi\.co)\b/],
  'os-details': [/\buname\s+-a\b/, /\bos\.(?:release|version)\s*\(\s*\)/, /\/etc\/(?:passwd|hosts)\b/],
};

/** Which kinds of host/user facts a unit collects (a dependency-confusion beacon sends several). */
export function sysinfoKinds(unit: SourceFile): Map<SysinfoKind, SignalMatch> {
  return unit.memo('sysinfo', () => {
    const found = new Map<SysinfoKind, SignalMatch>();
    for (const [kind, patterns] of Object.entries(SYSINFO_PATTERNS) as [SysinfoKind, RegExp[]][]) {
      const match = firstMatch(unit.text, patterns);
      if (match) found.set(kind, match);
    }
    return found;
  });
}

export interface CredentialAccess {
  match: SignalMatch;
  /** What the code does, as a verb phrase for messages ("reads a credential file"). */
  what: string;
}

/** Every way a unit reaches for credentials, strongest first. */
export function credentialAccesses(unit: SourceFile): CredentialAccess[] {
  return unit.memo('credential-accesses', () => {
    const found: CredentialAccess[] = [];
    const add = (match: SignalMatch | undefined, what: string) => {
      if (match) found.push({ match, what });
    };
    add(detect(unit, CREDENTIAL_FILE), 'reads a credential file');
    add(detect(unit, CREDENTIAL_COMMAND), 'runs a command that prints credentials');
    add(detect(unit, BULK_ENV), 'serialises the whole environment');
    add(detect(unit, SECRET_ENV_READ), 'reads a secret environment variable');
    add(detect(unit, CLOUD_METADATA), 'asks the cloud metadata service for credentials');
    return found;
  });
}

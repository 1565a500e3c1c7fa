import type { SignalMatch, SourceFile } from '../model/source-file';
import { NETWORK } from '../signals/capabilities';
import { BULK_ENV, type CredentialFamily, SECRET_ENV_READ, credentialAccesses, credentialFamilies, sysinfoKinds } from '../signals/credentials';
import { detect } from '../signals/detector';
import { isObfuscated } from '../signals/mangling';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, evidenceOf, finding, severityRank } from './rule';

/**
 * Capability + threat in the same place (GuardDog style): credentials or host facts read by code
 * that also talks to the network. At install time that is theft. At runtime, reading one service's
 * credentials and calling out is what API clients do; sweeping several kinds, dumping the
 * environment or hiding the code is not.
 */
export const exfiltrationRules: RuleFamily = {
  name: 'exfiltration',
  rules: [
    { id: 'install-script.exfiltration', description: 'Install-time code reads credentials (secret env vars, .npmrc, SSH/cloud keys, gh auth token, the whole environment) and uses the network: malware.' },
    { id: 'install-script.sysinfo-beacon', description: 'Install-time code collects host/user facts (hostname, username, interfaces, public IP) and sends them: dependency-confusion beacon.' },
    { id: 'runtime.credential-exfiltration', description: 'Runtime code reads credentials of several kinds (npm, SSH, cloud, wallets, browser…) or dumps the environment and uses the network in the same file; one kind alone is what API clients do (low). Malware when the code is hidden or obfuscated.' },
  ],
  check(context) {
    const findings: HeuristicFinding[] = [];
    const installNetwork = context.hookUnits.find((unit) => detect(unit, NETWORK));

    let reported = false;
    for (const unit of context.installUnits) {
      const access = credentialAccesses(unit)[0];
      if (!access) continue;
      if (detect(unit, NETWORK)) {
        findings.push(finding('install-script.exfiltration', 'malware', 'critical', `install-time code ${access.what} and uses the network in the same file`, evidenceOf(unit, access.match)));
        reported = true;
        break;
      }
    }
    if (!reported && installNetwork) {
      const unit = context.hookUnits.find((candidate) => credentialAccesses(candidate).length > 0);
      if (unit) {
        const access = credentialAccesses(unit)[0];
        findings.push(finding('install-script.exfiltration', 'malware', 'high', `install-time code ${access.what}; other install-time code (${installNetwork.path}) uses the network`, evidenceOf(unit, access.match)));
      }
    }

    for (const unit of context.installUnits) {
      const kinds = sysinfoKinds(unit);
      if (kinds.size === 0 || !detect(unit, NETWORK)) continue;
      const first = [...kinds.values()].sort((a, b) => a.index - b.index)[0];
      const names = [...kinds.keys()].join(', ');
      if (kinds.size >= 2) findings.push(finding('install-script.sysinfo-beacon', 'malware', 'high', `install-time code collects ${names} and uses the network`, evidenceOf(unit, first)));
      else findings.push(finding('install-script.sysinfo-beacon', 'suspicious', 'medium', `install-time code reads the ${names} and uses the network`, evidenceOf(unit, first)));
      break;
    }

    const runtime = context.runtimeUnits.map(runtimeExfiltration).filter((candidate) => candidate !== undefined);
    runtime.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    if (runtime[0]) findings.push(runtime[0]);
    return findings;
  },
};

const MAX_CORRELATED_RUNTIME_FILE = 256 * 1024;

function runtimeExfiltration(unit: SourceFile): HeuristicFinding | undefined {
  // In a multi-megabyte bundle every capability sits in "the same file": correlation means nothing there.
  if (unit.depth === 0 && unit.size > MAX_CORRELATED_RUNTIME_FILE && !isObfuscated(unit)) return undefined;
  const sources = runtimeCredentialSources(unit);
  if (sources.length === 0 || !detect(unit, NETWORK)) return undefined;
  const hidden = unit.depth > 0 || isObfuscated(unit);
  const sweep = sources.length >= 2;
  // One family is what an API client does (a GitHub client reads the gh token); several is a sweep.
  const severity = hidden || sweep ? 'high' : sources[0].family === 'environment' ? 'medium' : 'low';
  const what = sources.map((source) => source.family).join(', ');
  const message = `${hidden ? 'hidden or obfuscated ' : ''}code reads ${sweep ? 'credentials of several kinds' : 'credentials'} (${what}) and uses the network in the same file`;
  return finding('runtime.credential-exfiltration', hidden ? 'malware' : 'suspicious', severity, message, evidenceOf(unit, sources[0].match));
}

/** Credential families a runtime unit reaches for; decoded text also counts secret env vars. */
function runtimeCredentialSources(unit: SourceFile): { family: CredentialFamily | 'environment' | 'secret env'; match: SignalMatch }[] {
  const sources: { family: CredentialFamily | 'environment' | 'secret env'; match: SignalMatch }[] = [...credentialFamilies(unit)].map(([family, match]) => ({ family, match }));
  const bulk = detect(unit, BULK_ENV);
  if (bulk) sources.push({ family: 'environment', match: bulk });
  const secretEnv = unit.depth > 0 ? detect(unit, SECRET_ENV_READ) : undefined;
  if (secretEnv) sources.push({ family: 'secret env', match: secretEnv });
  return sources.sort((a, b) => a.match.index - b.match.index);
}

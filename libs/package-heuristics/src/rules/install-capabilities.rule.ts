import type { SignalMatch, SourceFile } from '../model/source-file';
import { NETWORK, SPAWN } from '../signals/capabilities';
import { BULK_ENV, credentialAccesses } from '../signals/credentials';
import { type Detector, detect } from '../signals/detector';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, evidenceOf, finding } from './rule';

/**
 * What install-time code is able to do. Alone these are capabilities, not threats (esbuild,
 * puppeteer and sharp download and spawn at install), so they stay info/low unless the hook is new
 * or changed in this version; credential access at install time is suspicious on its own.
 */
export const installCapabilityRules: RuleFamily = {
  name: 'install-capabilities',
  rules: [
    { id: 'install-script.network', description: 'Install-time code can reach the network (http/https/net/dns/fetch/WebSocket, curl/wget); medium when the hook is new or changed.' },
    { id: 'install-script.spawn', description: 'Install-time code spawns processes (child_process, Bun.spawn, shell scripts).' },
    { id: 'install-script.credential-access', description: 'Install-time code reads credentials (secret env vars, .npmrc, SSH/cloud keys, gh auth token) without sending them anywhere visible.' },
    { id: 'install-script.env-serialization', description: 'Install-time code serialises or iterates the whole environment.' },
  ],
  check(context) {
    const findings: HeuristicFinding[] = [];
    const novel = context.hookChanges.length > 0;
    const network = firstUnit(context.installUnits, NETWORK);
    if (network) {
      findings.push(finding('install-script.network', 'install-script', novel ? 'medium' : 'low', `${novel ? 'new or changed install hook' : 'install-time code'} uses the network (${network.match.text.trim().slice(0, 40)})`, evidenceOf(network.unit, network.match)));
    }
    const spawn = firstUnit(context.installUnits, SPAWN);
    if (spawn) {
      findings.push(finding('install-script.spawn', 'install-script', novel ? 'low' : 'info', 'install-time code spawns processes', evidenceOf(spawn.unit, spawn.match)));
    }
    // With network access this becomes exfiltration, reported by its own rule.
    if (!network) {
      for (const unit of context.hookUnits) {
        const access = credentialAccesses(unit).find((candidate) => candidate.match !== detect(unit, BULK_ENV));
        if (access) {
          findings.push(finding('install-script.credential-access', 'suspicious', 'medium', `install-time code ${access.what}`, evidenceOf(unit, access.match)));
          break;
        }
      }
      const bulk = firstUnit(context.hookUnits, BULK_ENV);
      if (bulk) findings.push(finding('install-script.env-serialization', 'suspicious', 'medium', 'install-time code serialises the whole environment', evidenceOf(bulk.unit, bulk.match)));
    }
    return findings;
  },
};

export function firstUnit(units: readonly SourceFile[], detector: Detector): { unit: SourceFile; match: SignalMatch } | undefined {
  for (const unit of units) {
    const match = detect(unit, detector);
    if (match) return { unit, match };
  }
  return undefined;
}

import type { SignalMatch, SourceFile } from '../model/source-file';
import { NETWORK, SPAWN } from '../signals/capabilities';
import { type Detector, detect } from '../signals/detector';
import { CHMOD_EXEC, DETACHED_SPAWN, LOLBIN, MANIFEST_REWRITE, PLAIN_HTTP, SELF_DELETE, SHADY_LINK, TEMP_DIR } from '../signals/droppers';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, evidenceOf, finding } from './rule';

/**
 * What separates a dropper from a legitimate binary installer (esbuild, chromedriver, sentry-cli):
 * hiding the process, covering tracks, LOLBins, raw-IP hosts. Installers do none of these.
 */
const STRONG_MARKS: readonly { detector: Detector; label: string }[] = [
  { detector: DETACHED_SPAWN, label: 'detached/hidden process' },
  { detector: SELF_DELETE, label: 'deletes itself' },
  { detector: MANIFEST_REWRITE, label: 'rewrites package.json' },
  { detector: LOLBIN, label: 'Windows LOLBin' },
  { detector: SHADY_LINK, label: 'raw-IP or exfiltration host' },
];
/** What installers do too (stage in a temp dir, chmod +x, plain-http mirrors): supporting evidence only. */
const WEAK_MARKS: readonly { detector: Detector; label: string }[] = [
  { detector: TEMP_DIR, label: 'stages in a temp dir' },
  { detector: CHMOD_EXEC, label: 'chmod +x' },
  { detector: PLAIN_HTTP, label: 'plain-http URL' },
];

interface Mark {
  label: string;
  unit: SourceFile;
  match: SignalMatch;
}

/**
 * Install-time download-and-execute. The code a hook runs (and what it loads directly) is one
 * program, so the signals are pooled over those units.
 */
export const dropperRules: RuleFamily = {
  name: 'dropper',
  rules: [
    { id: 'install-script.dropper', description: 'Install-time code downloads and executes with dropper marks (detached/hidden spawn, self-deletion, package.json rewrite, LOLBins, raw-IP or exfiltration hosts; temp-dir staging, chmod and plain http only support): malware with two marks, or one plus support.' },
    { id: 'install-script.silent-spawn', description: 'Install-time code starts a detached process with hidden output that outlives the install.' },
    { id: 'install-script.lolbin', description: 'Install-time code uses Windows LOLBins (rundll32, regsvr32, mshta, certutil -urlcache, powershell -enc…).' },
  ],
  check(context) {
    const findings: HeuristicFinding[] = [];
    const units = context.hookUnits;
    const network = units.find((unit) => detect(unit, NETWORK));
    const executes = units.some((unit) => detect(unit, SPAWN) || (unit.kind === 'shell' && unit.origin !== undefined));
    const strong = marksOf(units, STRONG_MARKS);
    const weak = marksOf(units, WEAK_MARKS);
    if (network && executes && strong.length > 0) {
      const labels = [...strong, ...weak].map((mark) => mark.label).join(', ');
      const malware = strong.length >= 2 || weak.length >= 1;
      findings.push(finding('install-script.dropper', malware ? 'malware' : 'suspicious', malware ? 'high' : 'medium', `install-time code downloads and executes (${labels})`, evidenceOf(strong[0].unit, strong[0].match)));
    }
    const detached = strong.find((mark) => mark.label === 'detached/hidden process');
    if (detached && !(network && executes)) {
      findings.push(finding('install-script.silent-spawn', 'suspicious', 'medium', 'install-time code starts a detached process with hidden output', evidenceOf(detached.unit, detached.match)));
    }
    const lolbin = strong.find((mark) => mark.label === 'Windows LOLBin');
    if (lolbin) findings.push(finding('install-script.lolbin', 'suspicious', 'high', `install-time code runs ${lolbin.match.text.trim().split(/\s/)[0]}`, evidenceOf(lolbin.unit, lolbin.match)));
    return findings;
  },
};

function marksOf(units: readonly SourceFile[], marks: readonly { detector: Detector; label: string }[]): Mark[] {
  const found: Mark[] = [];
  for (const { detector, label } of marks) {
    for (const unit of units) {
      const match = detect(unit, detector);
      if (match) {
        found.push({ label, unit, match });
        break;
      }
    }
  }
  return found;
}

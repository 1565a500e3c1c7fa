import type { SignalMatch, SourceFile } from '../model/source-file';
import { firstMatch, mentions } from '../signals/detector';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, evidenceOf, finding } from './rule';

const HOME_EXPRESSION = String.raw`(?:(?:(?:os|require\s*\(\s*['"\x60](?:node:)?os['"\x60]\s*\))\s*\.\s*)?homedir\s*\(\s*\)|process\.env(?:\.|\[['"\x60])(?:HOME|USERPROFILE)\b['"\x60]?\]?|['"\x60]~\/?\*?['"\x60]|['"\x60]\/['"\x60])`;
const DELETE_CALL = String.raw`\b(?:rm|rmSync|rmdir|rmdirSync|remove|removeSync|emptyDir|emptyDirSync|rimraf(?:\.sync)?|rimrafSync|deleteSync|del)\s*\(\s*`;
const HOME_ALIAS = new RegExp(String.raw`\b(?:const|let|var)\s+([\w$]+)\s*=\s*${HOME_EXPRESSION}\s*[;,\n]`, 'g');

const SHELL_WIPES = [
  /\brm\s+(?:-{1,2}[\w-]+\s+)*-[a-zA-Z]*(?:r[a-zA-Z]*f|f[a-zA-Z]*r)[a-zA-Z]*\s+(?:-{1,2}[\w-]+\s+)*["']?(?:~|\$HOME|\$\{HOME\}|\/)\/?\*?["']?(?=\s|$|;|&|\||\))/m,
  /\b(?:del|erase)\s+(?:\/[a-z]\s+)*"?%USERPROFILE%[\\*"]*/i,
  /\b(?:rd|rmdir)\s+(?:\/[a-z]\s+)*"?%USERPROFILE%/i,
  /\bRemove-Item\b[^\n]*-Recurse[^\n]*(?:\$HOME|\$env:USERPROFILE|~)|\bRemove-Item\b[^\n]*(?:\$HOME|\$env:USERPROFILE|~)[^\n]*-Recurse/i,
  /\bshred\b[^\n]*(?:\$HOME|~\/)|\bfind\s+["']?(?:~|\$HOME)["']?[^\n]*-(?:delete\b|exec\s+(?:rm|shred)\b)/,
];

/** Deleting the user's home directory (the Sha1-Hulud fallback, protestware wipers). */
export const destructiveRules: RuleFamily = {
  name: 'destructive',
  rules: [{ id: 'destructive.home-wipe', description: 'Code recursively deletes or shreds the home directory (or /): malware wherever it runs.' }],
  check(context) {
    const findings: HeuristicFinding[] = [];
    for (const unit of context.units) {
      if (unit.kind !== 'js' && unit.kind !== 'shell') continue;
      const match = homeWipe(unit);
      if (match) {
        findings.push(finding('destructive.home-wipe', 'malware', 'critical', `${unit.installTime ? 'install-time ' : ''}code deletes the home directory`, evidenceOf(unit, match)));
        break;
      }
    }
    return findings;
  },
};

const WIPE_HINTS = ['homedir', 'HOME', 'USERPROFILE', '~', 'rm -', 'shred'];

function homeWipe(unit: SourceFile): SignalMatch | undefined {
  if (!mentions(unit.text, WIPE_HINTS)) return undefined;
  if (unit.kind === 'shell') return firstMatch(unit.text, SHELL_WIPES);
  const targets = [HOME_EXPRESSION];
  for (const alias of unit.text.matchAll(HOME_ALIAS)) targets.push(alias[1].replace(/\$/g, '\\$'));
  const call = new RegExp(String.raw`${DELETE_CALL}(?:${targets.join('|')})\s*(?:,|\))`);
  const direct = call.exec(unit.text);
  if (direct) return { index: direct.index, text: direct[0] };
  // JavaScript that shells out to a wipe.
  return firstMatch(unit.text, SHELL_WIPES);
}

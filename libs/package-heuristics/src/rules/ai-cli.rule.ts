import type { SourceFile } from '../model/source-file';
import { FS_WRITE, SPAWN } from '../signals/capabilities';
import { detect, firstMatch, mentions } from '../signals/detector';
import type { HeuristicFinding } from '../types';
import { type RuleFamily, evidenceOf, finding, nearHook } from './rule';

/** Flags that turn off an AI coding agent's permission prompts (nx "s1ngularity" ran them from postinstall). */
const PERMISSION_BYPASS = /--dangerously-skip-permissions\b|--yolo\b|--trust-all-tools\b|--dangerously-bypass-approvals-and-sandbox\b|--allow-all-tools\b|--approval-mode[=\s]+['"`]?yolo\b/;
const AGENT_NAME = /(['"`])(?:claude|gemini|q|codex|copilot|cursor-agent|amp|opencode|aider)\1|(?:^|[\s'"`(])(?:claude|gemini|q|codex|copilot|cursor-agent)\s+(?:chat\s+)?-/m;
/** Prompts that send the agent hunting for secrets and wallets. */
const SECRET_HUNT = /\bwallets?\b|\bkeystore\b|\bprivate[ _-]?keys?\b|\bmnemonic\b|\bseed phrase\b|\bid_rsa\b|\.env\b|\bsecrets?\b|\bcredentials?\b|\bmetamask\b|\brecursively\s+search\b/i;

const SHELL_RC = /['"`/\\~]\.(?:bashrc|zshrc|bash_profile|profile|zprofile|zshenv|bash_login)\b|\.config[/\\]fish[/\\]config\.fish\b|Microsoft\.PowerShell_profile\.ps1\b|\$PROFILE\b/;
const RC_PAYLOAD = /\b(?:shutdown|reboot|halt|poweroff)\b|\bcurl\b|\bwget\b|\brm\s+-rf\b|\bnc\s+-/;

export const aiCliRules: RuleFamily = {
  name: 'ai-cli',
  rules: [
    { id: 'ai-cli.permission-bypass', description: 'Code runs an AI coding CLI (claude, gemini, q, codex…) with permission-bypass flags (--dangerously-skip-permissions, --yolo, --trust-all-tools).' },
    { id: 'shell-rc.write', description: 'Code writes to shell start-up files (~/.bashrc, ~/.zshrc, PowerShell profile): persistence; malware at install time or with a destructive payload.' },
  ],
  check(context) {
    const findings: HeuristicFinding[] = [];
    for (const unit of context.units) {
      if (unit.kind !== 'js' && unit.kind !== 'shell') continue;
      const found = permissionBypass(unit);
      if (found) {
        findings.push(found);
        break;
      }
    }
    for (const unit of context.units) {
      if (unit.kind !== 'js' && unit.kind !== 'shell') continue;
      const found = shellRcWrite(unit);
      if (found) {
        findings.push(found);
        break;
      }
    }
    return findings;
  },
};

function permissionBypass(unit: SourceFile): HeuristicFinding | undefined {
  if (!mentions(unit.text, ['dangerously', 'yolo', 'trust-all', 'allow-all'])) return undefined;
  const flag = PERMISSION_BYPASS.exec(unit.text);
  if (!flag) return undefined;
  if (!(detect(unit, SPAWN) || unit.kind === 'shell') || !AGENT_NAME.test(unit.text)) return undefined;
  const hunting = SECRET_HUNT.test(unit.text);
  if (nearHook(unit)) return finding('ai-cli.permission-bypass', 'malware', 'critical', `install-time code runs an AI CLI with ${flag[0]}`, evidenceOf(unit, { index: flag.index, text: flag[0] }));
  if (hunting) return finding('ai-cli.permission-bypass', 'malware', 'high', `code runs an AI CLI with ${flag[0]} and a prompt about secrets or wallets`, evidenceOf(unit, { index: flag.index, text: flag[0] }));
  return finding('ai-cli.permission-bypass', 'suspicious', 'medium', `code runs an AI CLI with ${flag[0]}`, evidenceOf(unit, { index: flag.index, text: flag[0] }));
}

function shellRcWrite(unit: SourceFile): HeuristicFinding | undefined {
  if (!mentions(unit.text, ['rc', 'profile', 'PROFILE', 'fish', 'bash_login', 'zshenv'])) return undefined;
  const target = SHELL_RC.exec(unit.text);
  if (!target) return undefined;
  const write = detect(unit, FS_WRITE) ?? (unit.kind === 'shell' ? firstMatch(unit.text, [/>>|\btee\b/]) : undefined);
  if (!write) return undefined;
  const around = unit.text.slice(Math.max(0, target.index - 400), target.index + 400);
  const payload = RC_PAYLOAD.test(around);
  const evidence = evidenceOf(unit, { index: target.index, text: target[0] });
  if (payload) return finding('shell-rc.write', 'malware', nearHook(unit) ? 'critical' : 'high', `${unit.installTime ? 'install-time ' : ''}code writes a command into a shell start-up file`, evidence);
  if (nearHook(unit)) return finding('shell-rc.write', 'malware', 'high', 'install-time code writes to a shell start-up file', evidence);
  return finding('shell-rc.write', 'suspicious', 'low', 'code writes to a shell start-up file', evidence);
}

import { parse } from 'yaml';
import { parseDuration } from './durations';
import { isNamePattern } from './name-pattern';
import {
  ADMIT_MODES,
  QUARANTINE_MODES,
  SEVERITIES,
  SOURCES,
  type AdmissionRules,
  type AdmitMode,
  type PolicyDocument,
  type QuarantineModeName,
  type SeverityName,
  type VerdictName,
  type ViewPolicy,
  defaultQuarantine,
} from './policy';
import { PromotionError, PromotionErrorCode } from './promotion-error';

/** What a view's rules are when the document leaves them out: the strict side of each. */
export const DEFAULT_RULES: Readonly<AdmissionRules> = Object.freeze<AdmissionRules>({
  admit: 'on-request',
  verdicts: ['clean'],
  maxVulnRisk: 100,
  maxMalwareRisk: 100,
  maxSeverity: 'critical',
  requireSignature: true,
  requireProvenance: [],
  installScripts: ['*'],
  minimumAgeMs: 0,
  approvals: { count: 0, team: '' },
});

const RULE_KEYS = ['admit', 'verdicts', 'maxVulnRisk', 'maxMalwareRisk', 'maxSeverity', 'requireSignature', 'requireProvenance', 'installScripts', 'minimumAge', 'approvals'] as const;
/** View-level keys besides the rules: how the view shows a recalled version. */
const VIEW_KEYS = ['quarantine'] as const;
const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

type Problems = string[];

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push(`${path}.${key}: unknown key (expected one of ${allowed.join(', ')})`);
  }
}

/**
 * Parses and checks a policy document (YAML) against the configured views, reporting every
 * problem at once as `PROMOTION_POLICY_INVALID`. Every configured view needs a policy; rules a
 * view leaves out take the strict default (`DEFAULT_RULES`).
 */
export function parsePolicy(text: string, views: readonly string[]): PolicyDocument {
  let root: unknown;
  try {
    root = parse(text);
  } catch (e: unknown) {
    throw new PromotionError(PromotionErrorCode.PolicyInvalid, 'the policy is not valid YAML', [e instanceof Error ? e.message.split('\n')[0] : String(e)]);
  }
  const problems: Problems = [];
  if (!isMap(root)) throw new PromotionError(PromotionErrorCode.PolicyInvalid, 'the policy must be a YAML mapping with `views` (and `teams`)', ['(root): not a mapping']);
  unknownKeys(root, ['teams', 'views'], '(root)', problems);
  const teams = parseTeams(root.teams, problems);
  const viewPolicies: Record<string, ViewPolicy> = {};
  if (!isMap(root.views)) {
    problems.push(`views: required, a mapping with a policy for each view (${views.join(', ')})`);
  } else {
    for (const name of Object.keys(root.views)) {
      if (!views.includes(name)) problems.push(`views.${name}: not a configured view (PALISADE_VIEWS: ${views.join(', ')})`);
    }
    views.forEach((view, index) => {
      const value = (root.views as Record<string, unknown>)[view];
      if (value === undefined) {
        problems.push(`views.${view}: missing; every view needs a policy`);
        return;
      }
      viewPolicies[view] = parseViewPolicy(value, `views.${view}`, defaultQuarantine(index), teams, problems);
    });
  }
  if (problems.length > 0) throw new PromotionError(PromotionErrorCode.PolicyInvalid, `the policy has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
  return { teams, views: viewPolicies };
}

function parseTeams(value: unknown, problems: Problems): Record<string, string[]> {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) {
    problems.push('teams: must map team names to lists of principals');
    return {};
  }
  const teams: Record<string, string[]> = {};
  for (const [name, members] of Object.entries(value)) {
    if (!TEAM_NAME.test(name)) problems.push(`teams.${name}: team names are letters, digits, '-' and '_'`);
    if (members === null || members === undefined) {
      teams[name] = [];
    } else if (!Array.isArray(members) || !members.every((m) => typeof m === 'string' && m.trim().length > 0)) {
      problems.push(`teams.${name}: must be a list of principals (user names)`);
    } else {
      teams[name] = [...new Set(members.map((m: string) => m.trim()))];
    }
  }
  return teams;
}

function parseViewPolicy(value: unknown, path: string, quarantineDefault: QuarantineModeName, teams: Record<string, string[]>, problems: Problems): ViewPolicy {
  if (!isMap(value)) {
    problems.push(`${path}: must be a mapping of rules`);
    return { rules: DEFAULT_RULES, overrides: {}, quarantine: quarantineDefault };
  }
  unknownKeys(value, [...RULE_KEYS, ...VIEW_KEYS, ...SOURCES], path, problems);
  const rules: AdmissionRules = { ...DEFAULT_RULES, ...parseRules(value, path, problems) };
  const overrides: ViewPolicy['overrides'] = {};
  for (const source of SOURCES) {
    const block = value[source];
    if (block === undefined || block === null) continue;
    if (!isMap(block)) {
      problems.push(`${path}.${source}: must be a mapping of rules for ${source} versions`);
      continue;
    }
    unknownKeys(block, RULE_KEYS, `${path}.${source}`, problems);
    overrides[source] = parseRules(block, `${path}.${source}`, problems);
  }
  for (const rules2 of [rules, ...Object.values(overrides)]) {
    const team = rules2.approvals?.team;
    if (team && !Object.hasOwn(teams, team)) problems.push(`${path}: approvals name team ${team}, which \`teams\` does not define`);
  }
  let quarantine = quarantineDefault;
  if (value.quarantine !== undefined) {
    if ((QUARANTINE_MODES as readonly unknown[]).includes(value.quarantine)) quarantine = value.quarantine as QuarantineModeName;
    else problems.push(`${path}.quarantine: must be one of ${QUARANTINE_MODES.join(', ')} (how the view shows a recalled version)`);
  }
  return { rules, overrides, quarantine };
}

function parseRules(block: Record<string, unknown>, path: string, problems: Problems): Partial<AdmissionRules> {
  const rules: Partial<AdmissionRules> = {};
  const at = (key: string) => `${path}.${key}`;
  if (block.admit !== undefined) {
    if ((ADMIT_MODES as readonly unknown[]).includes(block.admit)) rules.admit = block.admit as AdmitMode;
    else problems.push(`${at('admit')}: must be one of ${ADMIT_MODES.join(', ')}`);
  }
  if (block.verdicts !== undefined) {
    const verdicts = block.verdicts;
    if (!Array.isArray(verdicts) || verdicts.length === 0 || !verdicts.every((v) => v === 'clean' || v === 'warn' || v === 'block')) {
      problems.push(`${at('verdicts')}: must be a non-empty list of clean, warn`);
    } else if (verdicts.includes('block')) {
      problems.push(`${at('verdicts')}: block verdicts are never admitted`);
    } else {
      rules.verdicts = [...new Set(verdicts as VerdictName[])];
    }
  }
  for (const key of ['maxVulnRisk', 'maxMalwareRisk'] as const) {
    const value = block[key];
    if (value === undefined) continue;
    if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100) rules[key] = value as number;
    else problems.push(`${at(key)}: must be a whole number from 0 to 100`);
  }
  if (block.maxSeverity !== undefined) {
    if ((SEVERITIES as readonly unknown[]).includes(block.maxSeverity)) rules.maxSeverity = block.maxSeverity as SeverityName;
    else problems.push(`${at('maxSeverity')}: must be one of ${SEVERITIES.join(', ')}`);
  }
  if (block.requireSignature !== undefined) {
    if (typeof block.requireSignature === 'boolean') rules.requireSignature = block.requireSignature;
    else problems.push(`${at('requireSignature')}: must be true or false`);
  }
  for (const key of ['requireProvenance', 'installScripts'] as const) {
    const value = block[key];
    if (value === undefined) continue;
    const patterns = patternsOf(value);
    if (patterns) rules[key] = patterns;
    else problems.push(`${at(key)}: must be true, false or a list of package name patterns (\`@acme/*\`, \`esbuild\`)`);
  }
  if (block.minimumAge !== undefined) {
    const ms = parseDuration(block.minimumAge);
    if (ms !== undefined) rules.minimumAgeMs = ms;
    else problems.push(`${at('minimumAge')}: must be a duration such as 72h, 30m, 3d or 0`);
  }
  if (block.approvals !== undefined) {
    const approvals = approvalsOf(block.approvals);
    if (typeof approvals === 'string') problems.push(`${at('approvals')}: ${approvals}`);
    else rules.approvals = approvals;
  }
  return rules;
}

function patternsOf(value: unknown): string[] | undefined {
  if (value === true) return ['*'];
  if (value === false) return [];
  if (Array.isArray(value) && value.every(isNamePattern)) return [...new Set(value)];
  return undefined;
}

function approvalsOf(value: unknown): AdmissionRules['approvals'] | string {
  if (value === 0 || value === null) return { count: 0, team: '' };
  if (!isMap(value)) return 'must be 0 or { count: <n>, team: <team> }';
  const extra = Object.keys(value).filter((k) => k !== 'count' && k !== 'team');
  if (extra.length > 0) return `unknown key ${extra.join(', ')} (expected count, team)`;
  const { count, team } = value;
  if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > 20) return 'count must be a whole number from 0 to 20';
  if ((count as number) === 0) return { count: 0, team: typeof team === 'string' ? team : '' };
  if (typeof team !== 'string' || team.length === 0) return 'team is required when count is above 0';
  return { count: count as number, team };
}

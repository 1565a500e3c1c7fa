import { createHash } from 'node:crypto';
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { formatDuration } from './durations';
import { SOURCES, type AdmissionRules, type PolicyDocument, type ViewPolicy } from './policy';

type PlainRules = Record<string, unknown>;

const patterns = (list: readonly string[]): boolean | string[] => (list.length === 0 ? false : list.length === 1 && list[0] === '*' ? true : [...list]);

/** Rules as the YAML writes them; `keys` limits the output to the rules an override sets. */
function plainRules(rules: Partial<AdmissionRules>): PlainRules {
  const out: PlainRules = {};
  if (rules.admit !== undefined) out.admit = rules.admit;
  if (rules.verdicts !== undefined) out.verdicts = [...rules.verdicts];
  if (rules.maxVulnRisk !== undefined) out.maxVulnRisk = rules.maxVulnRisk;
  if (rules.maxMalwareRisk !== undefined) out.maxMalwareRisk = rules.maxMalwareRisk;
  if (rules.maxSeverity !== undefined) out.maxSeverity = rules.maxSeverity;
  if (rules.requireSignature !== undefined) out.requireSignature = rules.requireSignature;
  if (rules.requireProvenance !== undefined) out.requireProvenance = patterns(rules.requireProvenance);
  if (rules.installScripts !== undefined) out.installScripts = patterns(rules.installScripts);
  if (rules.minimumAgeMs !== undefined) out.minimumAge = formatDuration(rules.minimumAgeMs);
  if (rules.approvals !== undefined) out.approvals = rules.approvals.count === 0 ? 0 : { count: rules.approvals.count, team: rules.approvals.team };
  return out;
}

function plainView(policy: ViewPolicy): PlainRules {
  const out = plainRules(policy.rules);
  out.quarantine = policy.quarantine;
  for (const source of SOURCES) {
    const override = policy.overrides[source];
    if (override && Object.keys(override).length > 0) out[source] = plainRules(override);
  }
  return out;
}

/** The document with every rule spelled out, views in their configured order. */
export function plainPolicy(doc: PolicyDocument, views: readonly string[]): { teams: Record<string, string[]>; views: Record<string, PlainRules> } {
  const teams: Record<string, string[]> = {};
  for (const name of Object.keys(doc.teams).sort()) teams[name] = [...(doc.teams[name] ?? [])];
  const out: Record<string, PlainRules> = {};
  for (const view of views) {
    const policy = doc.views[view];
    if (policy) out[view] = plainView(policy);
  }
  return { teams, views: out };
}

/** Normalised YAML of the whole document, or of one view's policy (with the teams). */
export function renderPolicy(doc: PolicyDocument, views: readonly string[], onlyView?: string): string {
  const plain = plainPolicy(doc, onlyView ? [onlyView] : views);
  const yaml = new Document(plain);
  // Lists and the approval rule on one line (`verdicts: [clean, warn]`) read best.
  visit(yaml, {
    Seq(_key, node) {
      if (isSeq(node)) node.flow = true;
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === 'approvals' && isMap(pair.value)) pair.value.flow = true;
    },
  });
  return yaml.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** sha256 (hex) of the normalised document: equal documents, equal digests. */
export function policyDigest(doc: PolicyDocument, views: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(plainPolicy(doc, views))).digest('hex');
}

/** Views whose normalised policy differs between two documents (teams changes count for all). */
export function changedViews(before: PolicyDocument | undefined, after: PolicyDocument, views: readonly string[]): string[] {
  if (!before) return [...views];
  const teamsChanged = JSON.stringify(plainPolicy(before, []).teams) !== JSON.stringify(plainPolicy(after, []).teams);
  return views.filter((view) => {
    const a = before.views[view];
    const b = after.views[view];
    if (!a || !b) return true;
    const usesTeams = [b.rules, ...Object.values(b.overrides)].some((r) => (r.approvals?.count ?? 0) > 0);
    return JSON.stringify(plainView(a)) !== JSON.stringify(plainView(b)) || (teamsChanged && usesTeams);
  });
}

import { fromJson, type DescEnum, type JsonValue } from '@bufbuild/protobuf';
import {
  QuarantineModeSchema,
  RecallCaseSchema,
  RecallResolutionSchema,
  RecallTriggerSchema,
  SeveritySchema,
  timestampDate,
  type RecallCase,
  type RecallExposure,
  type RecallOverride,
  type Timestamp,
} from '@palisade/contracts';
import { CliError, CliErrorCode } from '../cli-error';

/** Human output of the recall, deployment and alert commands, from the JSON the registry answers. */

/** A recall case from the registry's protobuf JSON; anything else is a broken answer (exit 3). */
export function recallCaseOf(json: unknown, what = 'the recall API'): RecallCase {
  try {
    return fromJson(RecallCaseSchema, json as JsonValue, { ignoreUnknownFields: true });
  } catch (e: unknown) {
    throw new CliError(CliErrorCode.Registry, `${what} answered something that is not a recall case: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** The cases of `GET /recalls` (`{ recalls: [...] }`). */
export function recallCasesOf(json: unknown): RecallCase[] {
  const recalls = (json as { recalls?: unknown } | undefined)?.recalls;
  if (recalls === undefined) return [];
  if (!Array.isArray(recalls)) throw new CliError(CliErrorCode.Registry, 'the recall API answered a list without a recalls array');
  return recalls.map((r) => recallCaseOf(r));
}

/** `RECALL_TRIGGER_UPSTREAM_REMOVED` → `upstream-removed`; unspecified → ''. */
function label(schema: DescEnum, value: number): string {
  if (value === 0) return '';
  const local = schema.value[value]?.localName;
  return local ? local.toLowerCase().replace(/_/g, '-') : String(value);
}

export const severityLabel = (value: number) => label(SeveritySchema, value) || 'unspecified';
export const triggerLabel = (value: number) => label(RecallTriggerSchema, value) || 'unspecified';
export const resolutionLabel = (value: number) => label(RecallResolutionSchema, value);
export const modeLabel = (value: number) => label(QuarantineModeSchema, value) || 'as the view\'s policy says';

const time = (ts: Timestamp | undefined): string => (ts ? timestampDate(ts).toISOString() : '');

/** Milliseconds for people: `850 ms`, `4.2 s`, `3m 05s`, `2h 07m`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** A playbook step's duration, always in milliseconds (steps are short): `12.3 ms`. */
const stepMs = (ms: number) => `${ms.toFixed(1)} ms`;

const measured = (ms: number, what: string) => (ms >= 0 ? formatMs(ms) : `not ${what} yet`);

const table = (rows: readonly string[][], indent = '  '): string[] => {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}`.trimEnd());
};

const affectedList = (c: RecallCase) => c.affected.map((a) => (a.version ? `${a.name}@${a.version}` : a.name));

function header(c: RecallCase): string[] {
  const cause = [triggerLabel(c.trigger), c.advisoryId].filter(Boolean).join(' ');
  const resolution = resolutionLabel(c.resolution);
  const lines = [`recall ${c.recallId}${c.drill ? ' (drill: no view changed)' : ''}: ${c.status || 'open'}${resolution ? ` (${resolution})` : ''}, severity ${severityLabel(c.severity)}, ${cause}`];
  if (c.reason) lines.push(`  reason: ${c.reason}`);
  lines.push(`  opened ${time(c.openedAt) || '?'} by ${c.openedBy || '?'}${c.containedAt ? `, contained ${time(c.containedAt)}` : ''}${c.closedAt ? `, closed ${time(c.closedAt)}` : ''}`);
  lines.push(`  views: ${c.views.length > 0 ? c.views.join(', ') : 'every view'}`);
  return lines;
}

function overrideLine(o: RecallOverride): string[] {
  const what = o.kind === 'waiver' ? `waiver of ${o.view || '?'}${o.until ? ` until ${time(o.until)}` : ''}` : o.kind || 'override';
  const state = o.state === 'approved' ? `approved by ${o.approvedBy || '?'}${o.approvedAt ? ` at ${time(o.approvedAt)}` : ''}` : o.state === 'pending' ? 'pending: another person must approve it' : o.state;
  return [`  ${o.id}  ${what}, requested by ${o.requestedBy || '?'}${o.requestedAt ? ` at ${time(o.requestedAt)}` : ''}: ${state}`, ...(o.reason ? [`      reason: ${o.reason}`] : [])];
}

function exposureLines(e: RecallExposure): string[] {
  const version = `${e.name}@${e.version}`;
  const who =
    e.kind === 'deployment'
      ? `deployment  ${e.identity}${e.environment ? ` (${e.environment})` : ''}${e.deploymentId ? ` ${e.deploymentId}` : ''} runs ${version}${e.view ? ` from ${e.view}` : ''}`
      : `${(e.kind || 'download').padEnd(10)}  ${e.identity || '?'}${e.tokenId ? ` (token ${e.tokenId})` : ''} fetched ${version}${e.view ? ` from ${e.view}` : ''}${e.count > 0 ? ` ${e.count}×` : ''}${e.lastSeenAt ? `, last ${time(e.lastSeenAt)}` : ''}${e.userAgent ? `, ${e.userAgent}` : ''}`;
  const s = e.suggestion;
  const suggestion = !s ? 'no suggestion' : s.toVersion ? `${s.command || `npm install ${s.name}@${s.toVersion}`}${s.direct ? '' : ' (transitive)'}` : `no safe version of ${s.name || e.name} is admitted in ${s.view || e.view || 'its view'}`;
  return [`  ${who}`, `      → ${suggestion}`];
}

/** `palisade recall show`: the whole case. */
export function formatRecall(c: RecallCase): string {
  const lines = header(c);
  lines.push('', 'affected', ...(c.affected.length > 0 ? affectedList(c).map((a) => `  ${a}`) : ['  none']));
  lines.push('', 'enforcement per view');
  lines.push(
    ...(c.enforcements.length > 0
      ? table(c.enforcements.map((e) => [`${e.name}@${e.version}`, e.view, modeLabel(e.mode), e.state, e.enforcedAt ? time(e.enforcedAt) : '']))
      : ['  none yet']),
  );
  lines.push('', 'timeline');
  lines.push(...(c.timeline.length > 0 ? table(c.timeline.map((t) => [time(t.at), t.kind, t.actor, t.view, t.detail])) : ['  (empty)']));
  lines.push('', `blast radius (${c.exposures.length} exposure${c.exposures.length === 1 ? '' : 's'})`);
  lines.push(...(c.exposures.length > 0 ? c.exposures.flatMap(exposureLines) : ['  no downloads or reported deployments of the affected versions']));
  if (c.suggestions.length > 0) {
    lines.push('', 'rollback per view');
    lines.push(...table(c.suggestions.map((s) => [s.view, `${s.name}@${s.fromVersion}`, '→', s.toVersion ? (s.command || `npm install ${s.name}@${s.toVersion}`) : 'no safe version admitted'])));
  }
  lines.push('', 'overrides', ...(c.overrides.length > 0 ? c.overrides.flatMap(overrideLine) : ['  none']));
  if (c.steps.length > 0) lines.push('', 'steps', ...stepLines(c));
  lines.push('', `time to detect: ${measured(c.timeToDetectMs, 'known')}; time to contain: ${measured(c.timeToContainMs, 'contained')}`);
  return lines.join('\n');
}

function stepLines(c: RecallCase): string[] {
  return table(c.steps.map((s, i) => [`${i + 1}.`, s.step, stepMs(s.durationMs), s.detail]));
}

/** `palisade recall list`: one line per case, newest first as the registry answers. */
export function formatRecallList(cases: readonly RecallCase[]): string {
  if (cases.length === 0) return 'no recalls';
  return table(
    cases.map((c) => [c.recallId, `${c.status}${c.drill ? ' (drill)' : ''}`, severityLabel(c.severity), triggerLabel(c.trigger), affectedList(c).join(', '), time(c.openedAt), c.reason]),
    '',
  ).join('\n');
}

/** `palisade recall open`: what was opened, and where it stands. */
export function formatOpened(c: RecallCase): string {
  return [`opened recall ${c.recallId} for ${affectedList(c).join(', ') || 'no version'} in ${c.views.length > 0 ? c.views.join(', ') : 'every view'}`, '', formatRecall(c)].join('\n');
}

/** `palisade recall drill`: each step with its duration; says that no view changed. */
export function formatDrill(c: RecallCase): string {
  const total = c.steps.reduce((sum, s) => sum + s.durationMs, 0);
  const lines = [`drill ${c.recallId} for ${affectedList(c).join(', ') || 'no version'} (${c.status || 'open'}): no view changed`];
  lines.push(...(c.steps.length > 0 ? stepLines(c) : ['  the registry reported no steps']));
  lines.push(`  total ${stepMs(total)}; time to detect: ${measured(c.timeToDetectMs, 'known')}; time to contain: ${measured(c.timeToContainMs, 'contained')}`);
  if (c.exposures.length > 0) lines.push('', `blast radius (${c.exposures.length} exposure${c.exposures.length === 1 ? '' : 's'})`, ...c.exposures.flatMap(exposureLines));
  lines.push('', 'No view changed: a drill records its case and alerts (marked drill) and quarantines nothing.');
  return lines.join('\n');
}

/** waive, false-positive, approve, close: the change, then the case's overrides and enforcement. */
export function formatChange(headline: string, c: RecallCase): string {
  const lines = [headline, ...header(c)];
  if (c.enforcements.length > 0) lines.push('', 'enforcement per view', ...table(c.enforcements.map((e) => [`${e.name}@${e.version}`, e.view, modeLabel(e.mode), e.state])));
  lines.push('', 'overrides', ...(c.overrides.length > 0 ? c.overrides.flatMap(overrideLine) : ['  none']));
  return lines.join('\n');
}

/** The newest override of `kind` (the one a request just made). */
export function newestOverride(c: RecallCase, kind: string): RecallOverride | undefined {
  const matching = c.overrides.filter((o) => o.kind === kind);
  return matching.find((o) => o.state === 'pending') ?? matching[matching.length - 1];
}

export interface DeploymentAnswer {
  deploymentId: string;
  packages: number;
  affectedBy: string[];
}

export function deploymentAnswerOf(json: unknown): DeploymentAnswer {
  const a = json as Partial<Record<keyof DeploymentAnswer, unknown>> | undefined;
  if (!a || typeof a.deploymentId !== 'string') throw new CliError(CliErrorCode.Registry, 'the deployments API answered without a deploymentId');
  return {
    deploymentId: a.deploymentId,
    packages: typeof a.packages === 'number' ? a.packages : Number(a.packages ?? 0),
    affectedBy: Array.isArray(a.affectedBy) ? a.affectedBy.map(String) : [],
  };
}

export function formatDeployment(a: DeploymentAnswer, service: string, environment: string): string {
  const head = `deployment ${a.deploymentId} of ${service} (${environment}): ${a.packages} package${a.packages === 1 ? '' : 's'} recorded`;
  if (a.affectedBy.length === 0) return `${head}\n  no open recall affects it`;
  return [head, `  affected by open recall${a.affectedBy.length === 1 ? '' : 's'} ${a.affectedBy.join(', ')}: see palisade recall show <id>`].join('\n');
}

/** One alert as the alert log gives it: the CloudEvents 1.0 JSON envelope. */
export interface AlertEnvelope {
  time?: string;
  subject?: string;
  data?: { summary?: string; drill?: boolean; recallId?: string | null };
}

/** `<time> <subject> <summary>`. */
export function formatAlertLine(event: AlertEnvelope, subject: string): string {
  return `${event.time ?? '-'} ${event.subject ?? subject} ${event.data?.summary ?? ''}`.trimEnd();
}

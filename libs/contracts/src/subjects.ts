import { PermanentError } from '@palisade/errors';
import { ContractErrorCode } from './errors';

/**
 * JetStream streams and the subjects each one captures. Subjects of different streams must never
 * overlap (a subject may belong to one stream only), which is why REGISTRY lists its entities
 * instead of `registry.evt.>`: downloads live on their own size/age-limited stream, and commands
 * (`registry.cmd.>`) are request/reply and must not be captured by any stream.
 */
export const STREAMS = {
  REGISTRY: { name: 'REGISTRY', subjects: ['registry.evt.version.>', 'registry.evt.advisory.>', 'registry.evt.recall.>', 'registry.evt.key.>'] },
  DOWNLOADS: { name: 'DOWNLOADS', subjects: ['registry.evt.download.>'] },
  ALERTS: { name: 'ALERTS', subjects: ['alerts.>'] },
} as const;

export type StreamName = keyof typeof STREAMS;

/** Domain event subjects, `registry.evt.<entity>.<past-tense>`. */
export const EventSubjects = {
  versionIngested: 'registry.evt.version.ingested',
  versionScanned: 'registry.evt.version.scanned',
  versionSigned: 'registry.evt.version.signed',
  versionPromoted: 'registry.evt.version.promoted',
  versionQuarantined: 'registry.evt.version.quarantined',
  versionReleased: 'registry.evt.version.released',
  versionUnpublished: 'registry.evt.version.unpublished',
  versionTarballCached: 'registry.evt.version.tarball-cached',
  versionsListed: 'registry.evt.version.listed',
  versionTampered: 'registry.evt.version.tampered',
  versionUpstreamRemoved: 'registry.evt.version.upstream-removed',
  versionDismissed: 'registry.evt.version.dismissed',
  versionRefused: 'registry.evt.version.refused',
  advisoryImported: 'registry.evt.advisory.imported',
  recallOpened: 'registry.evt.recall.opened',
  recallClosed: 'registry.evt.recall.closed',
  recallEnforced: 'registry.evt.recall.enforced',
  downloadRecorded: 'registry.evt.download.recorded',
  keysChanged: 'registry.evt.key.changed',
} as const;

/** Request/reply command subjects, `registry.cmd.<service>.<verb>`. */
export const CommandSubjects = {
  ingestPublish: 'registry.cmd.ingest.publish',
  ingestFetch: 'registry.cmd.ingest.fetch',
  ingestUnpublish: 'registry.cmd.ingest.unpublish',
  ingestCacheTarball: 'registry.cmd.ingest.cache-tarball',
  ingestJudge: 'registry.cmd.ingest.judge',
  promotionPromote: 'registry.cmd.promotion.promote',
  promotionApprove: 'registry.cmd.promotion.approve',
  promotionStatus: 'registry.cmd.promotion.status',
  promotionPolicyShow: 'registry.cmd.promotion.policy-show',
  promotionPolicyApply: 'registry.cmd.promotion.policy-apply',
  recallOpen: 'registry.cmd.recall.open',
  recallList: 'registry.cmd.recall.list',
  recallShow: 'registry.cmd.recall.show',
  recallRequestOverride: 'registry.cmd.recall.request-override',
  recallApproveOverride: 'registry.cmd.recall.approve-override',
  recallClose: 'registry.cmd.recall.close',
  recallReportDeployment: 'registry.cmd.recall.report-deployment',
  recallAlerts: 'registry.cmd.recall.alerts',
  scanningAudit: 'registry.cmd.scanning.audit',
  signingAttestations: 'registry.cmd.signing.attestations',
  signingLogCheckpoint: 'registry.cmd.signing.log-checkpoint',
  signingLogConsistency: 'registry.cmd.signing.log-consistency',
  signingLogEntry: 'registry.cmd.signing.log-entry',
  ingestReconcile: 'registry.cmd.ingest.reconcile',
  scanningReconcile: 'registry.cmd.scanning.reconcile',
  signingReconcile: 'registry.cmd.signing.reconcile',
  promotionReconcile: 'registry.cmd.promotion.reconcile',
  gatewayReconcile: 'registry.cmd.gateway.reconcile',
} as const;

/** Alert severities as subject tokens, lowest first (mirrors the proto `Severity` enum). */
export const ALERT_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface AlertSubjectParts {
  area: string;
  severity: AlertSeverity;
  kind: string;
}

/** Everything on the ALERTS stream. */
export const ALL_ALERTS = 'alerts.>';

// Lower-case words joined by hyphens: no dots, wildcards or whitespace can sneak into a subject.
const TOKEN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function isSubjectToken(value: string): boolean {
  return TOKEN.test(value);
}

function token(value: string, role: string): string {
  if (!isSubjectToken(value)) {
    throw new PermanentError(
      ContractErrorCode.INVALID_SUBJECT,
      `invalid ${role} ${JSON.stringify(value)}: expected lower-case words joined by '-'`,
    );
  }
  return value;
}

function isAlertSeverity(value: string): value is AlertSeverity {
  return (ALERT_SEVERITIES as readonly string[]).includes(value);
}

function severityToken(value: string): AlertSeverity {
  if (!isAlertSeverity(value)) {
    throw new PermanentError(
      ContractErrorCode.INVALID_SUBJECT,
      `invalid alert severity ${JSON.stringify(value)}: expected one of ${ALERT_SEVERITIES.join(', ')}`,
    );
  }
  return value;
}

/** `registry.evt.<entity>.<pastTense>`, e.g. `eventSubject('version', 'ingested')`. */
export function eventSubject(entity: string, pastTense: string): string {
  return `registry.evt.${token(entity, 'event entity')}.${token(pastTense, 'event verb')}`;
}

/** `registry.cmd.<service>.<verb>`, e.g. `commandSubject('ingest', 'publish')`. */
export function commandSubject(service: string, verb: string): string {
  return `registry.cmd.${token(service, 'command service')}.${token(verb, 'command verb')}`;
}

/** `alerts.<area>.<severity>.<kind>`, e.g. `alerts.security.critical.malware`. */
export function alertSubject(parts: AlertSubjectParts): string {
  return `alerts.${token(parts.area, 'alert area')}.${severityToken(parts.severity)}.${token(parts.kind, 'alert kind')}`;
}

/** Subscription filter over alerts; omitted parts match anything (`*`). */
export function alertFilter(parts: Partial<AlertSubjectParts> = {}): string {
  const area = parts.area === undefined ? '*' : token(parts.area, 'alert area');
  const severity = parts.severity === undefined ? '*' : severityToken(parts.severity);
  const kind = parts.kind === undefined ? '*' : token(parts.kind, 'alert kind');
  return `alerts.${area}.${severity}.${kind}`;
}

/** Inverse of `alertSubject`; throws `CONTRACT_INVALID_SUBJECT` on anything else. */
export function parseAlertSubject(subject: string): AlertSubjectParts {
  const tokens = subject.split('.');
  if (tokens.length !== 4 || tokens[0] !== 'alerts') {
    throw new PermanentError(ContractErrorCode.INVALID_SUBJECT, `not an alert subject: ${JSON.stringify(subject)}`);
  }
  return {
    area: token(tokens[1], 'alert area'),
    severity: severityToken(tokens[2]),
    kind: token(tokens[3], 'alert kind'),
  };
}

/** NATS subject matching: `*` matches one token, a trailing `>` one or more. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return i === f.length - 1 && s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** The stream that captures a subject, or undefined (commands, unknown subjects). */
export function streamOf(subject: string): StreamName | undefined {
  const names = Object.keys(STREAMS) as StreamName[];
  return names.find((name) => STREAMS[name].subjects.some((filter) => subjectMatches(filter, subject)));
}

import type { MessageInitShape } from '@bufbuild/protobuf';
import { Events, encodeAlert, FindingCategory, Severity, Verdict, encodeMessage, timestampNow, type FindingSchema } from '@palisade/contracts';
import type { OutboxEvent } from '@palisade/messaging';
import type { CategoryWord, ScanFinding, SeverityWord, VerdictWord } from '../domain/scan-finding';
import type { VerdictRow } from '../store/verdict-store';

export const SCANNER_VERSION = 'palisade-scanning/1';

const VERDICT: Record<VerdictWord, Verdict> = { clean: Verdict.CLEAN, warn: Verdict.WARN, block: Verdict.BLOCK };
const SEVERITY: Record<SeverityWord, Severity> = {
  info: Severity.INFO,
  low: Severity.LOW,
  medium: Severity.MEDIUM,
  high: Severity.HIGH,
  critical: Severity.CRITICAL,
};
const CATEGORY: Record<CategoryWord, FindingCategory> = {
  vulnerability: FindingCategory.VULNERABILITY,
  malware: FindingCategory.MALWARE,
  'install-script': FindingCategory.INSTALL_SCRIPT,
  integrity: FindingCategory.INTEGRITY,
  suspicious: FindingCategory.SUSPICIOUS,
};

function toProtoFinding(f: ScanFinding): MessageInitShape<typeof FindingSchema> {
  return {
    rule: f.rule,
    category: CATEGORY[f.category] ?? FindingCategory.SUSPICIOUS,
    severity: SEVERITY[f.severity] ?? Severity.INFO,
    message: f.message.slice(0, 1000),
    ...(f.evidence ? { evidence: { file: f.evidence.file, line: f.evidence.line, snippet: f.evidence.snippet.slice(0, 300) } } : {}),
    advisoryId: f.advisoryId ?? '',
    ...(f.cvssScore !== undefined ? { cvssScore: f.cvssScore } : {}),
  };
}

/** `version.scanned` for a stored verdict; the id is deterministic per scan, so a retried transaction emits it once. */
export function versionScannedEvent(row: VerdictRow, rescan: boolean): OutboxEvent {
  return {
    id: `scanned:${row.name}@${row.version}:${row.integrity}:${row.scanCount}`,
    subject: Events.versionScanned.subject,
    schema: Events.versionScanned.schema.typeName,
    data: encodeMessage(Events.versionScanned.schema, {
      name: row.name,
      version: row.version,
      integrity: row.integrity,
      verdict: VERDICT[row.verdict],
      findings: row.findings.map(toProtoFinding),
      vulnRisk: row.vulnRisk,
      malwareRisk: row.malwareRisk,
      advisoryDbVersion: row.dbVersion,
      scannerVersion: SCANNER_VERSION,
      rescan,
      scannedAt: timestampNow(),
    }),
  };
}

export interface SecurityAlert {
  kind: 'malware' | 'vulnerability';
  severity: SeverityWord;
  summary: string;
  details: Record<string, string>;
}

/** An alert on `alerts.security.<severity>.<kind>`, through the outbox. */
export function securityAlertEvent(row: VerdictRow, alert: SecurityAlert, seq: string): OutboxEvent {
  const message = {
    area: 'security',
    severity: SEVERITY[alert.severity],
    kind: alert.kind,
    summary: alert.summary,
    subjectPackage: { name: row.name, version: row.version },
    details: { integrity: row.integrity, verdict: row.verdict, vulnRisk: String(row.vulnRisk), malwareRisk: String(row.malwareRisk), ...alert.details },
    raisedBy: 'scanning',
    raisedAt: timestampNow(),
  };
  return { id: `alert:${alert.kind}:${row.name}@${row.version}:${row.integrity}:${row.scanCount}:${seq}`, ...encodeAlert(message) };
}

/** One line for people: the verdict and its strongest findings. */
export function findingsSummary(findings: readonly ScanFinding[], limit = 3): string {
  const order: SeverityWord[] = ['critical', 'high', 'medium', 'low', 'info'];
  const top = [...findings].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity)).slice(0, limit);
  const more = findings.length > limit ? ` (+${findings.length - limit} more)` : '';
  return top.map((f) => f.message).join('; ') + more;
}

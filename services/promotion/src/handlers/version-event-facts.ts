import { Severity, Verdict, VersionSource, timestampDate, type VersionIngested, type VersionScanned, type VersionSigned } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import { SEVERITIES, type SeverityName, type VerdictName } from '../domain/policy';
import { installScriptsOf, type IngestedFacts, type ScanFacts, type SignatureFacts } from '../domain/version-facts';

const MAX_FINDINGS_SHOWN = 5;

function invalid(what: string, event: { name: string; version: string }, problem: string): PermanentError {
  return new PermanentError('PROMOTION_EVENT_INVALID', `${what} ${event.name}@${event.version}: ${problem}`);
}

function requireIdentity(what: string, event: { name: string; version: string }): void {
  if (!event.name || !event.version) throw invalid(what, event, 'name and version are required');
}

export function ingestedFacts(event: VersionIngested): IngestedFacts {
  requireIdentity('version.ingested', event);
  const integrity = event.tarball?.integrity ?? '';
  if (!integrity) throw invalid('version.ingested', event, 'tarball integrity is required');
  const published = event.publishedAt ?? event.ingestedAt;
  return {
    integrity,
    source: event.source === VersionSource.UPSTREAM ? 'upstream' : 'published',
    ...(event.publisher?.principal ? { publisher: event.publisher.principal } : {}),
    publishedAt: published ? timestampDate(published) : new Date(),
    installScripts: installScriptsOf(event.manifestJson),
    hasProvenance: Boolean(event.provenanceBundle?.key || event.sourceRepository),
  };
}

const VERDICT_NAMES: Partial<Record<Verdict, VerdictName>> = { [Verdict.CLEAN]: 'clean', [Verdict.WARN]: 'warn', [Verdict.BLOCK]: 'block' };

function severityName(severity: Severity): SeverityName | undefined {
  return severity === Severity.UNSPECIFIED ? undefined : SEVERITIES[severity - 1];
}

/** A scan's verdict, risks and its most severe findings, one line each. */
export function scanFacts(event: VersionScanned): ScanFacts {
  requireIdentity('version.scanned', event);
  const verdict = VERDICT_NAMES[event.verdict];
  if (!verdict) throw invalid('version.scanned', event, 'the verdict is unspecified');
  if (!event.integrity) throw invalid('version.scanned', event, 'integrity is required');
  const findings = [...event.findings].sort((a, b) => b.severity - a.severity);
  const top = findings[0] ? severityName(findings[0].severity) : undefined;
  return {
    integrity: event.integrity,
    verdict,
    vulnRisk: event.vulnRisk,
    malwareRisk: event.malwareRisk,
    ...(top ? { maxSeverity: top } : {}),
    findings: findings.slice(0, MAX_FINDINGS_SHOWN).map((f) => {
      const severity = severityName(f.severity);
      const line = `${f.rule || f.advisoryId || 'finding'}${severity ? ` (${severity})` : ''}${f.message ? ` ${f.message}` : ''}`;
      return line.length > 200 ? `${line.slice(0, 197)}...` : line;
    }),
    scannedAt: event.scannedAt ? timestampDate(event.scannedAt) : new Date(),
  };
}

export function signatureFacts(event: VersionSigned): SignatureFacts {
  requireIdentity('version.signed', event);
  if (!event.integrity) throw invalid('version.signed', event, 'integrity is required');
  return { integrity: event.integrity, signedAt: event.signedAt ? timestampDate(event.signedAt) : new Date() };
}

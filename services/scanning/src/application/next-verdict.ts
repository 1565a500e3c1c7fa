import type { OutboxEvent } from '@palisade/messaging';
import { judgeVersion, type Judgement } from '../domain/judge-version';
import type { HeuristicOutcome, SeverityWord } from '../domain/scan-finding';
import { likelihoodOf } from '../store/likelihood-store';
import type { StoredAdvisory } from '../store/advisory-store';
import type { VerdictRow } from '../store/verdict-store';
import type { Likelihood } from '@palisade/osv';
import { findingsSummary, securityAlertEvent, versionScannedEvent } from './scan-messages';

export interface VersionIdentity {
  name: string;
  version: string;
  integrity: string;
  source: number;
  manifest: Record<string, unknown>;
}

export interface NextVerdictInput {
  identity: VersionIdentity;
  previous?: VerdictRow;
  /** Fresh heuristics over the bytes; undefined keeps what the previous scan found (or none yet). */
  heuristics?: HeuristicOutcome;
  advisories: readonly StoredAdvisory[];
  likelihoodByCve: ReadonlyMap<string, Likelihood>;
  dbVersion: string;
  /** Published versions are "new publishes" at their first scan (publish-time policy). */
  published: boolean;
}

export interface NextVerdict {
  row: VerdictRow;
  judgement: Judgement;
  /** Verdict or matched advisories differ from the previous scan. */
  changed: boolean;
}

/** Re-judges a version against the current advisories and its (new or remembered) heuristics. */
export function nextVerdict(input: NextVerdictInput): NextVerdict {
  const { identity, previous } = input;
  const heuristics: HeuristicOutcome | undefined =
    input.heuristics ??
    (previous?.bytesScanned ? { verdict: previous.heuristicVerdict, malwareRisk: previous.malwareRisk, findings: previous.heuristicFindings } : undefined);
  const firstScanAdvisories = previous ? previous.firstScanAdvisories : input.published ? input.advisories.map((a) => a.id) : [];
  const firstScan = new Set(firstScanAdvisories);
  const judgement = judgeVersion({
    name: identity.name,
    version: identity.version,
    heuristics,
    advisories: input.advisories,
    likelihood: (a) => likelihoodOf([a.id, ...a.aliases], input.likelihoodByCve),
    blocksAtHighRisk: (id) => firstScan.has(id),
  });
  const row: VerdictRow = {
    ...identity,
    bytesScanned: heuristics !== undefined,
    heuristicVerdict: heuristics?.verdict ?? 'clean',
    heuristicFindings: heuristics?.findings ?? [],
    malwareRisk: judgement.malwareRisk,
    firstScanAdvisories,
    advisoryIds: judgement.advisoryIds,
    verdict: judgement.verdict,
    vulnRisk: judgement.vulnRisk,
    findings: judgement.findings,
    dbVersion: input.dbVersion,
    scanCount: (previous?.scanCount ?? 0) + 1,
  };
  const sameAdvisories = previous !== undefined && previous.advisoryIds.length === row.advisoryIds.length && row.advisoryIds.every((id) => previous.advisoryIds.includes(id));
  const changed = previous === undefined || previous.verdict !== row.verdict || !sameAdvisories || previous.bytesScanned !== row.bytesScanned;
  return { row, judgement, changed };
}

const BAND_OF_RISK = (risk: number): SeverityWord => (risk >= 90 ? 'critical' : 'high');

/**
 * The events of a (re)scan: `version.scanned`, an alert when the version becomes blocked, and an
 * alert for each critical advisory that newly matches it.
 */
export function scanEvents(next: NextVerdict, previous: VerdictRow | undefined, rescan: boolean): OutboxEvent[] {
  const { row, judgement } = next;
  const events: OutboxEvent[] = [versionScannedEvent(row, rescan)];
  const newlyBlocked = row.verdict === 'block' && previous?.verdict !== 'block';
  if (newlyBlocked) {
    const kind = judgement.blockKind ?? 'malware';
    events.push(
      securityAlertEvent(
        row,
        {
          kind,
          severity: kind === 'malware' ? 'critical' : BAND_OF_RISK(row.vulnRisk),
          summary: `${row.name}@${row.version} blocked: ${findingsSummary(row.findings)}`,
          details: { advisories: row.advisoryIds.join(','), dbVersion: row.dbVersion },
        },
        'blocked',
      ),
    );
  }
  const before = new Set(previous?.advisoryIds ?? []);
  const fresh = judgement.criticalAdvisoryIds.filter((id) => !before.has(id));
  if (fresh.length > 0 && !newlyBlocked) {
    events.push(
      securityAlertEvent(
        row,
        {
          kind: row.findings.some((f) => f.category === 'malware' && f.advisoryId && fresh.includes(f.advisoryId)) ? 'malware' : 'vulnerability',
          severity: 'critical',
          summary: `${row.name}@${row.version} newly matches critical advisories ${fresh.join(', ')}`,
          details: { advisories: fresh.join(','), dbVersion: row.dbVersion },
        },
        'critical-match',
      ),
    );
  }
  return events;
}

/** CVE ids among the advisories' ids and aliases (for EPSS/KEV look-ups). */
export function cvesOf(advisories: readonly StoredAdvisory[]): string[] {
  return [...new Set(advisories.flatMap((a) => [a.id, ...a.aliases]).filter((id) => id.startsWith('CVE-')))];
}

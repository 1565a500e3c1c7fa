import { z } from 'zod';
import { PermanentError } from '@palisade/errors';

/**
 * An OSV record as the scanner needs it (OSV schema 1.7; unknown keys are ignored, as newer
 * minors only add fields). Validation collects every problem before throwing one error.
 */
const rangeEvent = z.union([
  z.object({ introduced: z.string() }),
  z.object({ fixed: z.string() }),
  z.object({ last_affected: z.string() }),
  z.object({ limit: z.string() }),
]);

const severity = z.object({ type: z.string(), score: z.string() });

const affected = z.object({
  package: z.object({ ecosystem: z.string(), name: z.string(), purl: z.string().optional() }).optional(),
  severity: z.array(severity).optional(),
  ranges: z.array(z.object({ type: z.string(), repo: z.string().optional(), events: z.array(rangeEvent).min(1) })).optional(),
  versions: z.array(z.string()).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
});

const osvRecord = z.object({
  schema_version: z.string().optional(),
  id: z.string().min(1),
  modified: z.string().min(1),
  published: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  related: z.array(z.string()).optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(severity).optional(),
  affected: z.array(affected).optional(),
  references: z.array(z.object({ type: z.string(), url: z.string() })).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

export type OsvRecord = z.infer<typeof osvRecord>;
export type OsvAffected = z.infer<typeof affected>;
export type OsvRange = NonNullable<OsvAffected['ranges']>[number];
export type OsvEvent = OsvRange['events'][number];
export type OsvSeverity = z.infer<typeof severity>;

/** Parses one OSV JSON document (text or value); throws `OSV_RECORD_INVALID` listing every problem. */
export function parseOsvRecord(input: string | unknown): OsvRecord {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error: unknown) {
      throw new PermanentError('OSV_RECORD_INVALID', `not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = osvRecord.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new PermanentError('OSV_RECORD_INVALID', `invalid OSV record: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** `modified` as epoch milliseconds (NaN when unparseable, which never wins a comparison). */
export function modifiedAt(record: Pick<OsvRecord, 'modified'>): number {
  return Date.parse(record.modified);
}

/** MAL- records (OpenSSF Malicious Packages) and GHSA malware advisories mean malware. */
export function isMalicious(record: OsvRecord): boolean {
  if (record.id.startsWith('MAL-')) return true;
  if ((record.aliases ?? []).some((alias) => alias.startsWith('MAL-'))) return true;
  const cwes = cweIds(record);
  return cwes.includes('CWE-506') && /malicious|malware/i.test(record.summary ?? '');
}

/** `database_specific.cwe_ids` (GHSA), as `CWE-<n>` strings. */
export function cweIds(record: OsvRecord): string[] {
  const ids = record.database_specific?.cwe_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

/** The GHSA label (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`), when the record has one. */
export function ghsaSeverityLabel(record: OsvRecord): GhsaLabel | undefined {
  const label = record.database_specific?.severity;
  return typeof label === 'string' && (GHSA_LABELS as readonly string[]).includes(label.toUpperCase()) ? (label.toUpperCase() as GhsaLabel) : undefined;
}

export const GHSA_LABELS = ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'] as const;
export type GhsaLabel = (typeof GHSA_LABELS)[number];

/** npm names an advisory affects (ecosystem `npm`, exact case). */
export function npmPackageNames(record: OsvRecord): string[] {
  const names = new Set<string>();
  for (const a of record.affected ?? []) if (a.package?.ecosystem === 'npm' && a.package.name) names.add(a.package.name);
  return [...names];
}

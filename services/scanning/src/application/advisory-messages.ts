import type { MessageInitShape } from '@bufbuild/protobuf';
import { Events, Severity, encodeMessage, timestampFromMs, type RangeEventSchema } from '@palisade/contracts';
import type { OutboxEvent } from '@palisade/messaging';
import { advisoryImpact, isMalicious, modifiedAt, npmSeverity, type OsvEvent, type OsvRecord } from '@palisade/osv';

const SEVERITY = { info: Severity.INFO, low: Severity.LOW, moderate: Severity.MEDIUM, high: Severity.HIGH, critical: Severity.CRITICAL } as const;

function rangeEvent(event: OsvEvent): MessageInitShape<typeof RangeEventSchema> {
  if ('introduced' in event) return { bound: { case: 'introduced', value: event.introduced } };
  if ('fixed' in event) return { bound: { case: 'fixed', value: event.fixed } };
  if ('last_affected' in event) return { bound: { case: 'lastAffected', value: event.last_affected } };
  return { bound: { case: 'limit', value: event.limit } };
}

const ms = (value: string | undefined) => (value && Number.isFinite(Date.parse(value)) ? timestampFromMs(Date.parse(value)) : undefined);

/** `registry.evt.advisory.imported` for a new or changed advisory (id unique per advisory and `modified`). */
export function advisoryImportedEvent(record: OsvRecord, source: string, dbVersion: string): OutboxEvent {
  const impact = advisoryImpact(record);
  const affected = (record.affected ?? [])
    .filter((a) => a.package?.ecosystem === 'npm')
    .map((a) => ({
      name: a.package?.name ?? '',
      versions: a.versions ?? [],
      ranges: (a.ranges ?? []).map((r) => ({ type: r.type, events: r.events.map(rangeEvent) })),
    }));
  return {
    id: `advisory-imported:${record.id}:${modifiedAt(record)}`,
    subject: Events.advisoryImported.subject,
    schema: Events.advisoryImported.schema.typeName,
    data: encodeMessage(Events.advisoryImported.schema, {
      advisoryId: record.id,
      aliases: record.aliases ?? [],
      summary: record.summary ?? '',
      severity: SEVERITY[npmSeverity(record)],
      ...(impact.source === 'CVSS_V3' || impact.source === 'CVSS_V4' ? { cvssScore: impact.score, cvssVector: impact.vector ?? '' } : {}),
      malicious: isMalicious(record),
      affected,
      source,
      dbVersion,
      publishedAt: ms(record.published),
      modifiedAt: ms(record.modified),
      withdrawnAt: ms(record.withdrawn),
    }),
  };
}

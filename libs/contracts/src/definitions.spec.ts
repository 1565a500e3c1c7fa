import { isPalisadeError } from '@palisade/errors';
import {
  ALERT_SEVERITIES,
  AlertEvent,
  Commands,
  ContractErrorCode,
  EventSubjects,
  Events,
  PromotionStatus,
  Severity,
  type CommandReply,
  type EventPayload,
  alertSeverityToken,
  decodeMessage,
  encodeAlert,
  encodeMessage,
  contractRegistry,
  parseAlertSubject,
  severityFromToken,
  streamOf,
} from './index';

describe('event and command definitions', () => {
  it('give each event its documented subject, its stream and a distinct schema', () => {
    const typeNames = new Set<string>();
    for (const [name, def] of Object.entries(Events)) {
      expect(def.subject).toBe(EventSubjects[name as keyof typeof EventSubjects]);
      expect(streamOf(def.subject)).toBe(def.stream);
      expect(def.schema.typeName).toMatch(/^palisade\.v1\.[A-Z]\w+$/);
      expect(contractRegistry.getMessage(def.schema.typeName)).toBe(def.schema);
      typeNames.add(def.schema.typeName);
    }
    expect(typeNames.size).toBe(Object.keys(Events).length);
    expect(Object.keys(Events)).toHaveLength(Object.keys(EventSubjects).length);
    expect(Events.versionIngested.schema.typeName).toBe('palisade.v1.VersionIngested');
  });

  it('pair each command subject with a request and a reply schema', () => {
    // recallAlerts is a read of the alert log with nothing to reject: its reply has no outcome,
    // and a malformed subject filter comes back as an error reply (Palisade-Error-Code).
    const withoutOutcome: readonly string[] = [Commands.recallAlerts.subject];
    for (const def of Object.values(Commands)) {
      // The verb may be words joined by '-' (`log-checkpoint`), as subject tokens allow.
      expect(def.subject).toMatch(/^registry\.cmd\.[a-z]+\.[a-z]+(?:-[a-z]+)*$/);
      expect(streamOf(def.subject)).toBeUndefined();
      expect(def.request.typeName).toMatch(/Request$/);
      expect(def.reply.typeName).toMatch(/Reply$/);
      expect(def.reply.oneofs.map((o) => o.name)).toEqual(withoutOutcome.includes(def.subject) ? [] : ['outcome']);
    }
    expect(Commands.ingestPublish.subject).toBe('registry.cmd.ingest.publish');
  });

  it('derive an alert subject from the alert itself', () => {
    const subject = AlertEvent.subjectOf({ area: 'security', severity: Severity.CRITICAL, kind: 'malware' });
    expect(subject).toBe('alerts.security.critical.malware');
    expect(streamOf(subject)).toBe(AlertEvent.stream);
    expect(parseAlertSubject(subject).severity).toBe('critical');
  });

  it('describe alerts as CloudEvents JSON, not a protobuf schema', () => {
    expect(AlertEvent.schemaName).toBe('io.palisade.alert.v1');
    expect(AlertEvent.contentType).toBe('application/cloudevents+json');
    const { subject, schema, data } = encodeAlert({ area: 'recall', severity: Severity.HIGH, kind: 'opened', raisedBy: 'recall' });
    expect(schema).toBe(AlertEvent.schemaName);
    expect(AlertEvent.parse(data).subject).toBe(subject);
  });

  it('refuse an alert without a severity', () => {
    let caught: unknown;
    try {
      AlertEvent.subjectOf({ area: 'security', severity: Severity.UNSPECIFIED, kind: 'malware' });
    } catch (e: unknown) {
      caught = e;
    }
    expect(isPalisadeError(caught) && caught.code).toBe(ContractErrorCode.INVALID_SUBJECT);
  });

  it('map every severity token to the proto enum and back', () => {
    for (const token of ALERT_SEVERITIES) expect(alertSeverityToken(severityFromToken(token))).toBe(token);
  });

  it('type payloads through the definitions', () => {
    const signed = encodeMessage(Events.versionSigned.schema, { name: 'x', version: '1.0.0', signature: { keyid: 'SHA256:k', sig: 'MEUC' } });
    const payload: EventPayload<typeof Events.versionSigned> = decodeMessage(Events.versionSigned.schema, signed);
    expect(payload.signature?.keyid).toBe('SHA256:k');

    const { reply } = Commands.promotionPromote;
    const bytes = encodeMessage(reply, { outcome: { case: 'accepted', value: { view: 'prod', status: PromotionStatus.PENDING_APPROVAL } } });
    const decoded: CommandReply<typeof Commands.promotionPromote> = decodeMessage(reply, bytes);
    expect(decoded.outcome.case === 'accepted' && decoded.outcome.value.status).toBe(PromotionStatus.PENDING_APPROVAL);
  });
});

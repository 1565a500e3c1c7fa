import { PermanentError } from '@palisade/errors';
import { ContractErrorCode } from './errors';
import { ALERT_SEVERITIES, type AlertSeverity, isSubjectToken } from './subjects';

/**
 * Alerts travel as CloudEvents 1.0 in the structured JSON mode: the message body is the whole
 * envelope, UTF-8 JSON a person (or `jq`) can read. The layout is written down as a JSON Schema
 * in `docs/alert-cloudevent.schema.json`; this module is its TypeScript side.
 */

/** CloudEvents `type` of every alert, also the bus's schema header (`Palisade-Schema`) of alert messages. */
export const ALERT_CLOUDEVENT_TYPE = 'io.palisade.alert.v1';
/** Media type of a structured CloudEvent in JSON (HTTP `content-type` of webhook deliveries, NATS header). */
export const CLOUDEVENTS_JSON_CONTENT_TYPE = 'application/cloudevents+json';

/** The package (or version) an alert is about; `version` is null for a name-wide alert. */
export interface AlertPackageRef {
  name: string;
  version: string | null;
}

/** `data` of an alert CloudEvent: the alert itself. `area`, `severity` and `kind` are the subject's tokens. */
export interface AlertCloudEventData {
  area: string;
  severity: AlertSeverity;
  kind: string;
  /** One line for people. */
  summary: string;
  package: AlertPackageRef | null;
  /** Free-form context (advisory id, view, counts…), string values only. */
  details: Record<string, string>;
  recallId: string | null;
  /** Raised by a recall drill: no real effect happened. */
  drill: boolean;
  /** Service that raised it, e.g. `scanning`. */
  raisedBy: string;
}

/** An alert as a CloudEvents 1.0 structured-mode JSON envelope. */
export interface AlertCloudEvent {
  specversion: '1.0';
  /** Unique per alert (a UUID). */
  id: string;
  /** `/palisade/<raisedBy>`. */
  source: string;
  type: typeof ALERT_CLOUDEVENT_TYPE;
  /** The NATS subject, `alerts.<area>.<severity>.<kind>`. */
  subject: string;
  /** RFC 3339 time the alert was raised. */
  time: string;
  datacontenttype: 'application/json';
  data: AlertCloudEventData;
}

/** An alert message that is not a valid alert CloudEvent; `problems` names every field at fault. */
export class AlertCloudEventError extends PermanentError {
  constructor(readonly problems: readonly string[]) {
    super(ContractErrorCode.DECODE_FAILED, `not a valid ${ALERT_CLOUDEVENT_TYPE} CloudEvent: ${problems.join('; ')}`);
  }
}

/** The JSON text of an alert CloudEvent, exactly what goes on the bus and to webhooks. */
export function serializeAlertCloudEvent(event: AlertCloudEvent): string {
  return JSON.stringify(event);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and validates an alert CloudEvent (the bytes of a bus message, a webhook body, a log
 * row). Anything malformed — not UTF-8, not JSON, a missing or mistyped attribute, a subject that
 * disagrees with the data — throws `AlertCloudEventError` (`CONTRACT_DECODE_FAILED`, permanent).
 * Unknown attributes (CloudEvents extensions, newer optional data fields) are ignored.
 */
export function parseAlertCloudEvent(input: Uint8Array | string): AlertCloudEvent {
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    throw new AlertCloudEventError(['body is not UTF-8']);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AlertCloudEventError(['body is not JSON']);
  }
  if (!isObject(parsed)) throw new AlertCloudEventError(['body is not a JSON object']);

  const problems: string[] = [];
  const fail = (field: string, expected: string) => problems.push(`${field}: expected ${expected}`);
  const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

  if (parsed.specversion !== '1.0') fail('specversion', '"1.0"');
  if (!nonEmpty(parsed.id)) fail('id', 'a non-empty string');
  if (!nonEmpty(parsed.source)) fail('source', 'a non-empty string');
  if (parsed.type !== ALERT_CLOUDEVENT_TYPE) fail('type', JSON.stringify(ALERT_CLOUDEVENT_TYPE));
  if (!nonEmpty(parsed.subject)) fail('subject', 'alerts.<area>.<severity>.<kind>');
  if (typeof parsed.time !== 'string' || !RFC3339.test(parsed.time) || Number.isNaN(Date.parse(parsed.time))) fail('time', 'an RFC 3339 timestamp');
  if (parsed.datacontenttype !== 'application/json') fail('datacontenttype', '"application/json"');

  const data = parsed.data;
  let pkg: AlertPackageRef | null = null;
  if (!isObject(data)) {
    fail('data', 'an object');
  } else {
    if (typeof data.area !== 'string' || !isSubjectToken(data.area)) fail('data.area', 'a subject token (lower-case words joined by "-")');
    if (typeof data.severity !== 'string' || !(ALERT_SEVERITIES as readonly string[]).includes(data.severity)) fail('data.severity', `one of ${ALERT_SEVERITIES.join(', ')}`);
    if (typeof data.kind !== 'string' || !isSubjectToken(data.kind)) fail('data.kind', 'a subject token (lower-case words joined by "-")');
    if (typeof data.summary !== 'string') fail('data.summary', 'a string');
    if (data.package !== null) {
      if (!isObject(data.package) || !nonEmpty(data.package.name) || !(data.package.version === null || nonEmpty(data.package.version))) {
        fail('data.package', 'null or { name: non-empty string, version: non-empty string or null }');
      } else {
        pkg = { name: data.package.name, version: data.package.version };
      }
    }
    if (!isObject(data.details) || !Object.values(data.details).every((v) => typeof v === 'string')) fail('data.details', 'an object of strings');
    if (!(data.recallId === null || nonEmpty(data.recallId))) fail('data.recallId', 'null or a non-empty string');
    if (typeof data.drill !== 'boolean') fail('data.drill', 'a boolean');
    if (typeof data.raisedBy !== 'string') fail('data.raisedBy', 'a string');
    if (problems.length === 0 && parsed.subject !== `alerts.${data.area as string}.${data.severity as string}.${data.kind as string}`) {
      fail('subject', `alerts.${data.area as string}.${data.severity as string}.${data.kind as string} (from data.area, data.severity, data.kind)`);
    }
  }
  if (problems.length > 0) throw new AlertCloudEventError(problems);

  const d = data as Json;
  return {
    specversion: '1.0',
    id: parsed.id as string,
    source: parsed.source as string,
    type: ALERT_CLOUDEVENT_TYPE,
    subject: parsed.subject as string,
    time: parsed.time as string,
    datacontenttype: 'application/json',
    data: {
      area: d.area as string,
      severity: d.severity as AlertSeverity,
      kind: d.kind as string,
      summary: d.summary as string,
      package: pkg,
      details: { ...(d.details as Record<string, string>) },
      recallId: d.recallId as string | null,
      drill: d.drill as boolean,
      raisedBy: d.raisedBy as string,
    },
  };
}

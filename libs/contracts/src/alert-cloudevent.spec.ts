import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPalisadeError, isRetryable } from '@palisade/errors';
import {
  ALERT_CLOUDEVENT_TYPE,
  AlertCloudEventError,
  AlertEvent,
  ContractErrorCode,
  Severity,
  alertCloudEvent,
  alertFilterProblem,
  encodeAlert,
  parseAlertCloudEvent,
  serializeAlertCloudEvent,
  timestampFromDate,
  type AlertCloudEvent,
} from './index';

const raisedAt = new Date('2026-03-01T12:34:56.789Z');

const malware = {
  area: 'security',
  severity: Severity.CRITICAL,
  kind: 'malware',
  summary: 'evil-helper@1.0.0 steals tokens in postinstall',
  subjectPackage: { name: 'evil-helper', version: '1.0.0' },
  details: { verdict: 'block', malwareRisk: '95' },
  raisedBy: 'scanning',
  raisedAt: timestampFromDate(raisedAt),
};

function problemsOf(input: string | Uint8Array): readonly string[] {
  try {
    parseAlertCloudEvent(input);
  } catch (e: unknown) {
    expect(e).toBeInstanceOf(AlertCloudEventError);
    expect(isPalisadeError(e) && e.code).toBe(ContractErrorCode.DECODE_FAILED);
    expect(isRetryable(e)).toBe(false);
    return (e as AlertCloudEventError).problems;
  }
  throw new Error('expected parseAlertCloudEvent to throw');
}

describe('alert CloudEvents', () => {
  it('encodes an alert as readable CloudEvents JSON on its subject, and parses it back', () => {
    const encoded = encodeAlert(malware);
    expect(encoded.subject).toBe('alerts.security.critical.malware');
    expect(encoded.schema).toBe(ALERT_CLOUDEVENT_TYPE);
    expect(encoded.schema).toBe(AlertEvent.schemaName);
    expect(encoded.headers).toEqual({ 'content-type': 'application/cloudevents+json' });

    const text = new TextDecoder().decode(encoded.data);
    const json = JSON.parse(text) as AlertCloudEvent;
    expect(json).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      source: '/palisade/scanning',
      type: 'io.palisade.alert.v1',
      subject: 'alerts.security.critical.malware',
      time: '2026-03-01T12:34:56.789Z',
      datacontenttype: 'application/json',
      data: {
        area: 'security',
        severity: 'critical',
        kind: 'malware',
        summary: 'evil-helper@1.0.0 steals tokens in postinstall',
        package: { name: 'evil-helper', version: '1.0.0' },
        details: { verdict: 'block', malwareRisk: '95' },
        recallId: null,
        drill: false,
        raisedBy: 'scanning',
      },
    });
    expect(parseAlertCloudEvent(encoded.data)).toEqual(json);
    expect(AlertEvent.parse(text)).toEqual(json);
    expect(parseAlertCloudEvent(serializeAlertCloudEvent(json))).toEqual(json);
  });

  it('gives every alert its own id', () => {
    expect(alertCloudEvent(malware).id).not.toBe(alertCloudEvent(malware).id);
    expect(alertCloudEvent(malware, { id: 'fixed' }).id).toBe('fixed');
  });

  it('carries the drill flag and the recall case', () => {
    const event = alertCloudEvent({ area: 'recall', severity: Severity.HIGH, kind: 'opened', summary: 'drill: recall of left-pad', recallId: 'rc-42', drill: true, raisedBy: 'recall' });
    expect(event.subject).toBe('alerts.recall.high.opened');
    expect(event.data).toMatchObject({ drill: true, recallId: 'rc-42', package: null });
    expect(parseAlertCloudEvent(serializeAlertCloudEvent(event)).data.drill).toBe(true);
  });

  it('has a null package without one, a null version for a name-wide alert, and now as time without raisedAt', () => {
    const now = new Date('2026-01-02T03:04:05.000Z');
    const noPackage = alertCloudEvent({ area: 'signing', severity: Severity.MEDIUM, kind: 'key-rotated', raisedBy: 'signing' }, { now: () => now });
    expect(noPackage.data.package).toBeNull();
    expect(noPackage.time).toBe('2026-01-02T03:04:05.000Z');
    expect(noPackage.data.details).toEqual({});
    const nameWide = alertCloudEvent({ area: 'security', severity: Severity.HIGH, kind: 'dependency-confusion', subjectPackage: { name: '@acme/tool', version: '' }, raisedBy: 'ingest' });
    expect(nameWide.data.package).toEqual({ name: '@acme/tool', version: null });
    expect(parseAlertCloudEvent(serializeAlertCloudEvent(nameWide)).data.package).toEqual({ name: '@acme/tool', version: null });
    expect(alertCloudEvent({ area: 'x', severity: Severity.LOW, kind: 'y' }).source).toBe('/palisade/unknown');
  });

  it('refuses to build an alert whose severity or tokens cannot make a subject', () => {
    expect(() => encodeAlert({ area: 'security', severity: Severity.UNSPECIFIED, kind: 'malware' })).toThrow(expect.objectContaining({ code: ContractErrorCode.INVALID_SUBJECT }));
    expect(() => encodeAlert({ area: 'Security', severity: Severity.HIGH, kind: 'malware' })).toThrow(expect.objectContaining({ code: ContractErrorCode.INVALID_SUBJECT }));
  });

  describe('parseAlertCloudEvent refuses malformed input with a typed, permanent error', () => {
    const valid = (): Record<string, unknown> => JSON.parse(new TextDecoder().decode(encodeAlert(malware).data)) as Record<string, unknown>;
    const withData = (patch: Record<string, unknown>) => {
      const event = valid();
      return JSON.stringify({ ...event, data: { ...(event.data as object), ...patch } });
    };

    it.each([
      ['protobuf bytes (the old wire format)', new Uint8Array([0x0a, 0x08, 0x73, 0x65, 0x63, 0x75, 0x72, 0x69, 0x74, 0x79, 0x10, 0x05]), 'not JSON'],
      ['invalid UTF-8', new Uint8Array([0xff, 0xfe, 0x7b]), 'not UTF-8'],
      ['a JSON array', '[]', 'not a JSON object'],
      ['truncated JSON', '{"specversion":"1.0"', 'not JSON'],
    ])('%s', (_what, input, problem) => {
      expect(problemsOf(input)).toEqual([`body is ${problem}`]);
    });

    it('names every missing or mistyped attribute', () => {
      expect(problemsOf('{}')).toEqual(
        expect.arrayContaining([expect.stringMatching(/^specversion/), expect.stringMatching(/^id/), expect.stringMatching(/^source/), expect.stringMatching(/^type/), expect.stringMatching(/^subject/), expect.stringMatching(/^time/), expect.stringMatching(/^datacontenttype/), expect.stringMatching(/^data:/)]),
      );
      expect(problemsOf(JSON.stringify({ ...valid(), specversion: '0.3' }))).toEqual([expect.stringMatching(/^specversion/)]);
      expect(problemsOf(JSON.stringify({ ...valid(), type: 'io.palisade.other.v1' }))).toEqual([expect.stringMatching(/^type/)]);
      expect(problemsOf(JSON.stringify({ ...valid(), time: 'yesterday' }))).toEqual([expect.stringMatching(/^time/)]);
      expect(problemsOf(JSON.stringify({ ...valid(), id: '' }))).toEqual([expect.stringMatching(/^id/)]);
    });

    it('checks the data fields', () => {
      expect(problemsOf(withData({ severity: 'urgent' }))).toEqual([expect.stringMatching(/^data\.severity/)]);
      expect(problemsOf(withData({ drill: 'no' }))).toEqual([expect.stringMatching(/^data\.drill/)]);
      expect(problemsOf(withData({ details: { count: 3 } }))).toEqual([expect.stringMatching(/^data\.details/)]);
      expect(problemsOf(withData({ package: { name: '' , version: null } }))).toEqual([expect.stringMatching(/^data\.package/)]);
      expect(problemsOf(withData({ package: undefined }))).toEqual([expect.stringMatching(/^data\.package/)]);
      expect(problemsOf(withData({ recallId: '' }))).toEqual([expect.stringMatching(/^data\.recallId/)]);
      expect(problemsOf(withData({ kind: 'Mal.ware' }))).toEqual([expect.stringMatching(/^data\.kind/)]);
    });

    it('refuses a subject that disagrees with the data', () => {
      expect(problemsOf(JSON.stringify({ ...valid(), subject: 'alerts.security.low.malware' }))).toEqual([expect.stringMatching(/^subject: expected alerts\.security\.critical\.malware/)]);
    });

    it('ignores CloudEvents extensions and later data fields', () => {
      const event = valid();
      const parsed = parseAlertCloudEvent(JSON.stringify({ ...event, traceparent: '00-abc-def-01', data: { ...(event.data as object), runbook: 'https://runbooks.example/malware' } }));
      expect(parsed).toEqual(event);
    });
  });
});

describe('alertFilterProblem', () => {
  it.each(['alerts.>', 'alerts.security.>', 'alerts.*.critical.*', 'alerts.security.critical.upstream-removed', '>', '*.security.>'])('accepts %s', (filter) => {
    expect(alertFilterProblem(filter)).toBeUndefined();
  });

  it.each([
    ['registry.evt.>', /start with "alerts\."/],
    ['alerts.>.critical', /last token/],
    ['alerts.Security.>', /lower-case/],
    ['alerts..critical', /lower-case/],
    ['alerts.a.b.c.d', /four tokens/],
    ['', /lower-case/],
  ])('refuses %s', (filter, problem) => {
    expect(alertFilterProblem(filter)).toMatch(problem);
  });
});

// The documented JSON Schema is the contract receivers code against: every produced event must
// satisfy it. A small checker for the keywords the document uses keeps this free of a dependency.
type Schema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  pattern?: string;
  minLength?: number;
  format?: string;
  oneOf?: Schema[];
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
}

function violations(schema: Schema, value: unknown, path = '$'): string[] {
  const out: string[] = [];
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((s) => violations(s, value, path).length === 0).length;
    if (matching !== 1) out.push(`${path}: matches ${matching} of oneOf`);
  }
  if (schema.const !== undefined && value !== schema.const) out.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: must be one of ${schema.enum.join(', ')}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.includes(typeOf(value))) return [...out, `${path}: must be ${types.join(' or ')}`];
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${path}: too short`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) out.push(`${path}: must match ${schema.pattern}`);
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) out.push(`${path}: must be a date-time`);
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) out.push(`${path}.${key}: required`);
    for (const [key, child] of Object.entries(object)) {
      const sub = schema.properties?.[key] ?? schema.additionalProperties;
      if (sub) out.push(...violations(sub, child, `${path}.${key}`));
    }
  }
  return out;
}

describe('docs/alert-cloudevent.schema.json', () => {
  const schema = JSON.parse(readFileSync(resolve(__dirname, '../../../docs/alert-cloudevent.schema.json'), 'utf8')) as Schema;

  it('requires what the parser requires', () => {
    expect(schema.required).toEqual(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data']);
    expect(schema.properties?.type.const).toBe(ALERT_CLOUDEVENT_TYPE);
    expect(schema.properties?.data.required).toEqual(['area', 'severity', 'kind', 'summary', 'package', 'details', 'recallId', 'drill', 'raisedBy']);
  });

  it.each([
    ['a full security alert', malware],
    ['a drill without package', { area: 'recall', severity: Severity.INFO, kind: 'drill-started', recallId: 'rc-1', drill: true, raisedBy: 'recall' }],
    ['a name-wide alert', { area: 'security', severity: Severity.HIGH, kind: 'dependency-confusion', subjectPackage: { name: '@acme/x', version: '' }, raisedBy: 'ingest' }],
  ])('validates produced events: %s', (_what, alert) => {
    const event: unknown = JSON.parse(new TextDecoder().decode(encodeAlert(alert).data));
    expect(violations(schema, event)).toEqual([]);
  });

  it('catches what the parser catches', () => {
    const event = JSON.parse(new TextDecoder().decode(encodeAlert(malware).data)) as Record<string, Record<string, unknown>>;
    const broken = { ...event, data: { ...event.data, severity: 'urgent', drill: 'yes' } };
    delete (broken as Record<string, unknown>).time;
    expect(violations(schema, broken)).toEqual(['$.time: required', '$.data.severity: must be one of info, low, medium, high, critical', '$.data.drill: must be boolean']);
  });
});

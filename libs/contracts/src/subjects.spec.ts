import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isPalisadeError } from '@palisade/errors';
import {
  ALERT_SEVERITIES,
  CommandSubjects,
  ContractErrorCode,
  EventSubjects,
  STREAMS,
  type AlertSeverity,
  alertFilter,
  alertSubject,
  commandSubject,
  eventSubject,
  parseAlertSubject,
  streamOf,
  subjectMatches,
} from './index';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e: unknown) {
    return isPalisadeError(e) ? e.code : 'NOT_A_PALISADE_ERROR';
  }
  return undefined;
}

const BAD_TOKENS = ['', 'Version', 'a.b', '*', '>', 'has space', 'trailing-', '-leading', 'snake_case', 'évt'];

describe('subject builders', () => {
  it('build the documented shapes', () => {
    expect(eventSubject('version', 'ingested')).toBe('registry.evt.version.ingested');
    expect(commandSubject('ingest', 'publish')).toBe('registry.cmd.ingest.publish');
    expect(alertSubject({ area: 'security', severity: 'critical', kind: 'malware' })).toBe('alerts.security.critical.malware');
    expect(alertSubject({ area: 'recall', severity: 'high', kind: 'blast-radius' })).toBe('alerts.recall.high.blast-radius');
  });

  it.each(BAD_TOKENS)('reject the part %j everywhere', (bad) => {
    expect(codeOf(() => eventSubject(bad, 'ingested'))).toBe(ContractErrorCode.INVALID_SUBJECT);
    expect(codeOf(() => eventSubject('version', bad))).toBe(ContractErrorCode.INVALID_SUBJECT);
    expect(codeOf(() => commandSubject(bad, 'publish'))).toBe(ContractErrorCode.INVALID_SUBJECT);
    expect(codeOf(() => commandSubject('ingest', bad))).toBe(ContractErrorCode.INVALID_SUBJECT);
    expect(codeOf(() => alertSubject({ area: bad, severity: 'low', kind: 'x' }))).toBe(ContractErrorCode.INVALID_SUBJECT);
    expect(codeOf(() => alertSubject({ area: 'x', severity: 'low', kind: bad }))).toBe(ContractErrorCode.INVALID_SUBJECT);
  });

  it('rejects severities outside the scale', () => {
    const severe = 'severe' as AlertSeverity;
    expect(codeOf(() => alertSubject({ area: 'security', severity: severe, kind: 'malware' }))).toBe(ContractErrorCode.INVALID_SUBJECT);
    expect(codeOf(() => alertFilter({ severity: severe }))).toBe(ContractErrorCode.INVALID_SUBJECT);
  });

  it('parses alert subjects back and refuses anything else', () => {
    for (const severity of ALERT_SEVERITIES) {
      const parts = { area: 'signing', severity, kind: 'key-expiring' };
      expect(parseAlertSubject(alertSubject(parts))).toEqual(parts);
    }
    for (const bad of ['alerts.recall.opened', 'alerts.security.severe.malware', 'registry.security.high.malware', 'alerts.Security.high.x', 'alerts.a.high.b.c']) {
      expect(codeOf(() => parseAlertSubject(bad))).toBe(ContractErrorCode.INVALID_SUBJECT);
    }
  });

  it('builds alert filters with wildcards for omitted parts', () => {
    expect(alertFilter()).toBe('alerts.*.*.*');
    expect(alertFilter({ severity: 'critical' })).toBe('alerts.*.critical.*');
    expect(subjectMatches(alertFilter({ area: 'security' }), 'alerts.security.high.malware')).toBe(true);
    expect(subjectMatches(alertFilter({ area: 'security' }), 'alerts.recall.high.opened')).toBe(false);
  });
});

describe('subject constants and streams', () => {
  it('keeps every constant valid for its builder', () => {
    for (const subject of Object.values(EventSubjects)) {
      const [, , entity, verb] = subject.split('.');
      expect(eventSubject(entity, verb)).toBe(subject);
    }
    for (const subject of Object.values(CommandSubjects)) {
      const [, , service, verb] = subject.split('.');
      expect(commandSubject(service, verb)).toBe(subject);
    }
  });

  it('puts every event subject in exactly one stream and commands in none', () => {
    const streamsCapturing = (subject: string) =>
      Object.values(STREAMS).filter((s) => s.subjects.some((filter: string) => subjectMatches(filter, subject)));
    for (const subject of Object.values(EventSubjects)) expect(streamsCapturing(subject)).toHaveLength(1);
    for (const subject of Object.values(CommandSubjects)) {
      expect(streamsCapturing(subject)).toHaveLength(0);
      expect(streamOf(subject)).toBeUndefined();
    }
    expect(streamOf(EventSubjects.downloadRecorded)).toBe('DOWNLOADS');
    expect(streamOf(EventSubjects.recallOpened)).toBe('REGISTRY');
    expect(streamOf('alerts.security.critical.malware')).toBe('ALERTS');
  });

  it('matches NATS wildcards like the server does', () => {
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('a.*.c', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.*.c', 'a.b.d')).toBe(false);
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false);
    expect(subjectMatches('a.b', 'a.b')).toBe(true);
  });
});

describe('every subject the code publishes belongs to a declared stream', () => {
  it('covers the whole event catalogue and every alert subject', () => {
    const uncovered = Object.entries(EventSubjects).filter(([, subject]) => streamOf(subject) === undefined);
    expect(uncovered).toEqual([]);
    for (const severity of ALERT_SEVERITIES) {
      expect(streamOf(alertSubject({ area: 'ops', severity, kind: 'dead-letter' }))).toBe('ALERTS');
      expect(streamOf(alertSubject({ area: 'security', severity, kind: 'malware' }))).toBe('ALERTS');
    }
    expect(streamOf(EventSubjects.keysChanged)).toBe('REGISTRY');
  });

  it('covers every concrete event or alert subject written in the source', () => {
    const root = join(__dirname, '..', '..', '..');
    const literal = /['"`]((?:registry\.evt|alerts)\.[a-z0-9-]+(?:\.[a-z0-9-]+)+)['"`]/g;
    const found = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (['node_modules', 'dist', '__fixtures__', 'gen'].includes(entry.name)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
          for (const match of readFileSync(path, 'utf8').matchAll(literal)) found.set(match[1], path);
        }
      }
    };
    for (const top of ['libs', 'services', 'apps']) walk(join(root, top));
    expect(found.size).toBeGreaterThan(10);
    const uncovered = [...found].filter(([subject]) => streamOf(subject) === undefined).map(([subject, path]) => `${subject} (${path})`);
    expect(uncovered).toEqual([]);
  });
});

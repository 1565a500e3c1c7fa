import { assertSubjectFilter, subjectFilterToRegex, subjectMatches } from './subject-filter';

describe('subject filters', () => {
  const cases: Array<[string, string, boolean]> = [
    ['registry.evt.>', 'registry.evt.version.ingested', true],
    ['registry.evt.>', 'registry.evt', false],
    ['registry.evt.*.ingested', 'registry.evt.version.ingested', true],
    ['registry.evt.*.ingested', 'registry.evt.version.scanned', false],
    ['registry.evt.*', 'registry.evt.version.ingested', false],
    ['alerts.security.*.malware', 'alerts.security.critical.malware', true],
    ['a.b', 'a.b', true],
    ['a.b', 'a.bc', false],
  ];

  it.each(cases)('%s matches %s: %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
    expect(new RegExp(subjectFilterToRegex(filter)).test(subject)).toBe(expected);
  });

  it('rejects malformed filters', () => {
    expect(() => assertSubjectFilter('a.>.b')).toThrow('invalid subject filter');
    expect(() => assertSubjectFilter('a..b')).toThrow('invalid subject filter');
    expect(() => assertSubjectFilter('a b')).toThrow('invalid subject filter');
  });
});

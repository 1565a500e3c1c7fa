import { QuarantineMode, Severity } from '@palisade/contracts';
import { isContained } from './containment';
import { aggregateDownloads } from './downloads';
import { base32, newRecallId, RECALL_ID_PATTERN } from './ids';
import { detectableSince, elapsedMs } from './measures';
import { quarantineModeFor, quarantineReason } from './quarantine';
import { caseGroupKey } from './trigger';
import { verdictRaised } from './verdict';

describe('verdict raise detection', () => {
  it('counts only rescans that turn the same bytes worse, to warn or block', () => {
    expect(verdictRaised('clean', 'block', true)).toBe(true);
    expect(verdictRaised('clean', 'warn', true)).toBe(true);
    expect(verdictRaised('warn', 'block', true)).toBe(true);
    expect(verdictRaised(undefined, 'warn', true)).toBe(true);
    expect(verdictRaised('warn', 'warn', true)).toBe(false);
    expect(verdictRaised('block', 'warn', true)).toBe(false);
    expect(verdictRaised('block', 'clean', true)).toBe(false);
    expect(verdictRaised('clean', 'block', false)).toBe(false);
  });
});

describe('case grouping key', () => {
  it('groups advisory cases per advisory and package, the other automatic triggers per package', () => {
    expect(caseGroupKey('advisory', 'lodash', 'GHSA-1')).toBe('advisory:GHSA-1:lodash');
    expect(caseGroupKey('advisory', 'lodash', 'GHSA-2')).not.toBe(caseGroupKey('advisory', 'lodash', 'GHSA-1'));
    expect(caseGroupKey('advisory', 'underscore', 'GHSA-1')).not.toBe(caseGroupKey('advisory', 'lodash', 'GHSA-1'));
    expect(caseGroupKey('rescan', 'lodash')).toBe('rescan:lodash');
    expect(caseGroupKey('tamper', 'lodash')).toBe('tamper:lodash');
    expect(caseGroupKey('upstream-removed', 'lodash')).toBe('upstream-removed:lodash');
    expect(caseGroupKey('manual', 'lodash')).toBeUndefined();
  });
});

describe('containment', () => {
  it('is reached when no quarantine is still planned', () => {
    expect(isContained(['enforced', 'enforced'])).toBe(true);
    expect(isContained(['enforced', 'waived', 'released'])).toBe(true);
    expect(isContained(['enforced', 'planned'])).toBe(false);
    expect(isContained([])).toBe(false);
  });
});

describe('measures', () => {
  const at = (iso: string) => new Date(iso);

  it('dates detectability from the earliest affected publication or a later signal', () => {
    expect(detectableSince([at('2026-01-05T00:00:00Z'), at('2026-01-01T00:00:00Z')], [])).toEqual(at('2026-01-01T00:00:00Z'));
    expect(detectableSince([at('2026-01-01T00:00:00Z')], [at('2026-02-01T00:00:00Z'), undefined])).toEqual(at('2026-02-01T00:00:00Z'));
    expect(detectableSince([at('2026-03-01T00:00:00Z')], [at('2026-02-01T00:00:00Z')])).toEqual(at('2026-03-01T00:00:00Z'));
    expect(detectableSince([undefined], [undefined])).toBeUndefined();
  });

  it('measures in ms, -1 when unknown, never negative, saturated at int32', () => {
    expect(elapsedMs(at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:01.5Z'))).toBe(1500);
    expect(elapsedMs(undefined, at('2026-01-01T00:00:00Z'))).toBe(-1);
    expect(elapsedMs(at('2026-01-01T00:00:01Z'), at('2026-01-01T00:00:00Z'))).toBe(0);
    expect(elapsedMs(at('2020-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'))).toBe(Date.parse('2026-01-01T00:00:00Z') - Date.parse('2020-01-01T00:00:00Z'));
  });
});

describe('quarantine', () => {
  it('takes each view mode from the policy, else warns in the entry view and blocks elsewhere', () => {
    const views = ['dev', 'staging', 'prod'];
    expect(quarantineModeFor('staging', views, [{ view: 'staging', mode: QuarantineMode.WARN }])).toBe(QuarantineMode.WARN);
    expect(quarantineModeFor('dev', views, [{ view: 'dev', mode: QuarantineMode.BLOCK }])).toBe(QuarantineMode.BLOCK);
    expect(quarantineModeFor('dev', views, [])).toBe(QuarantineMode.WARN);
    expect(quarantineModeFor('prod', views, [{ view: 'prod', mode: QuarantineMode.UNSPECIFIED }])).toBe(QuarantineMode.BLOCK);
  });

  it('words the reason clients print, with the safe version when there is one', () => {
    expect(quarantineReason({ recallId: 'RC-ABCDEFGH', severity: Severity.HIGH, reason: 'GHSA-1: prototype pollution.', name: 'lodash', to: '4.17.21' })).toBe(
      'Palisade recall RC-ABCDEFGH (high): GHSA-1: prototype pollution. Use lodash@4.17.21 instead.',
    );
    expect(quarantineReason({ recallId: 'RC-ABCDEFGH', severity: Severity.CRITICAL, reason: 'stolen token', name: 'x' })).toBe('Palisade recall RC-ABCDEFGH (critical): stolen token.');
  });
});

describe('identifiers', () => {
  it('makes case ids of RC- and 8 upper-case base32 characters', () => {
    expect(base32(Uint8Array.from([0x66, 0x6f, 0x6f, 0x62, 0x61]))).toBe('MZXW6YTB');
    expect(newRecallId()).toMatch(RECALL_ID_PATTERN);
    expect(newRecallId(() => new Uint8Array(5))).toBe('RC-AAAAAAAA');
  });
});

describe('download aggregation', () => {
  const one = { name: 'a', version: '1.0.0', integrity: 'sha512-x', view: 'prod', principal: 'ci', tokenId: 't', userAgent: 'npm/11' };
  const identity = { name: 'a', version: '1.0.0', view: 'prod', principal: 'ci', tokenId: 't', userAgent: 'npm/11' };
  const [t1, t2, t3] = [Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:01:00Z'), Date.parse('2026-01-01T00:02:00Z')];

  it('counts each identity once per batch and keeps first and last seen', () => {
    const rows = aggregateDownloads([
      { ...one, firstAt: t2, lastAt: t2, count: 1 },
      { ...one, firstAt: t1, lastAt: t1, count: 1 },
      { ...one, principal: '', firstAt: t1, lastAt: t1, count: 1 },
      { ...one, name: '', firstAt: t1, lastAt: t1, count: 1 },
    ]);
    expect(rows).toEqual([
      { ...identity, count: 2, firstSeenAt: t1, lastSeenAt: t2 },
      { ...identity, principal: 'anonymous', count: 1, firstSeenAt: t1, lastSeenAt: t1 },
    ]);
  });

  it('adds the counts of entries that stand for several downloads, and their last time', () => {
    const rows = aggregateDownloads([
      { ...one, firstAt: t1, lastAt: t3, count: 40 },
      { ...one, firstAt: t2, lastAt: t2, count: 2 },
      { ...one, version: '1.0.1', firstAt: t2, lastAt: t2, count: 1 },
    ]);
    expect(rows).toEqual([
      { ...identity, count: 42, firstSeenAt: t1, lastSeenAt: t3 },
      { ...identity, version: '1.0.1', count: 1, firstSeenAt: t2, lastSeenAt: t2 },
    ]);
  });

  it('keeps user agents that differ only past 256 characters as one identity', () => {
    const long = 'npm/11 '.padEnd(300, 'x');
    const rows = aggregateDownloads([
      { ...one, userAgent: `${long}a`, firstAt: t1, lastAt: t1, count: 1 },
      { ...one, userAgent: `${long}b`, firstAt: t1, lastAt: t1, count: 1 },
    ]);
    expect(rows).toEqual([{ ...identity, userAgent: long.slice(0, 256), count: 2, firstSeenAt: t1, lastSeenAt: t1 }]);
  });
});

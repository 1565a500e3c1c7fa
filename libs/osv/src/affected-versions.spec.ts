import { affectsVersion } from './affected-versions';
import { fixtureRecord } from './__fixtures__/records';
import type { OsvRecord } from './osv-record';

describe('OSV matching on real npm records', () => {
  it('introduced 0 / fixed: every version below the fix, none from it (lodash)', () => {
    const lodash = fixtureRecord('GHSA-jf85-cpcp-j695');
    expect(affectsVersion(lodash, 'lodash', '0.0.1')).toBe(true);
    expect(affectsVersion(lodash, 'lodash', '4.17.11')).toBe(true);
    expect(affectsVersion(lodash, 'lodash', '4.17.12')).toBe(false);
    expect(affectsVersion(lodash, 'lodash', '4.17.21')).toBe(false);
    // each affected[] entry applies to its own package only
    expect(affectsVersion(lodash, 'lodash-es', '4.17.13')).toBe(true);
    expect(affectsVersion(lodash, 'lodash-es', '4.17.14')).toBe(false);
    expect(affectsVersion(lodash, 'underscore', '1.0.0')).toBe(false);
  });

  it('several ranges of one package are OR-ed (semver)', () => {
    const semver = fixtureRecord('GHSA-c2qf-rxjj-qqgw');
    expect(affectsVersion(semver, 'semver', '5.7.1')).toBe(true);
    expect(affectsVersion(semver, 'semver', '5.7.2')).toBe(false);
    expect(affectsVersion(semver, 'semver', '6.0.0')).toBe(true);
    expect(affectsVersion(semver, 'semver', '6.3.1')).toBe(false);
    expect(affectsVersion(semver, 'semver', '7.5.1')).toBe(true);
    expect(affectsVersion(semver, 'semver', '7.5.2')).toBe(false);
    expect(affectsVersion(semver, 'semver', '7.6.0')).toBe(false);
  });

  it('orders prereleases by SemVer precedence, not by node-semver range rules (@babel/traverse)', () => {
    const babel = fixtureRecord('GHSA-67hx-6x53-jw92');
    expect(affectsVersion(babel, '@babel/traverse', '7.23.1')).toBe(true);
    expect(affectsVersion(babel, '@babel/traverse', '7.23.2')).toBe(false);
    // prerelease range 8.0.0-alpha.0 .. 8.0.0-alpha.4
    expect(affectsVersion(babel, '@babel/traverse', '8.0.0-alpha.0')).toBe(true);
    expect(affectsVersion(babel, '@babel/traverse', '8.0.0-alpha.3')).toBe(true);
    expect(affectsVersion(babel, '@babel/traverse', '8.0.0-alpha.4')).toBe(false);
    expect(affectsVersion(babel, '@babel/traverse', '8.0.0')).toBe(false);
    // a prerelease of 7.23.2 sorts below 7.23.2, so inside [0, 7.23.2) (node-semver's `<7.23.2` would skip it)
    expect(affectsVersion(babel, '@babel/traverse', '7.23.2-rc.1')).toBe(true);
    // build metadata is ignored
    expect(affectsVersion(babel, '@babel/traverse', '7.23.2+build.5')).toBe(false);
    // an open range (introduced 0, no fix) covers everything
    expect(affectsVersion(babel, 'babel-traverse', '6.26.0')).toBe(true);
    expect(affectsVersion(babel, 'babel-traverse', '99.0.0-next.1')).toBe(true);
  });

  it('explicit versions match exactly, nothing else (MAL debug 4.4.2)', () => {
    const debug = fixtureRecord('MAL-2025-46974');
    expect(affectsVersion(debug, 'debug', '4.4.2')).toBe(true);
    expect(affectsVersion(debug, 'debug', '4.4.1')).toBe(false);
    expect(affectsVersion(debug, 'debug', '4.4.3')).toBe(false);
  });

  it('last_affected is inclusive (derived ip record)', () => {
    const ip = fixtureRecord('DERIVED-last-affected-GHSA-2p57-rm9w-gvfp');
    expect(affectsVersion(ip, 'ip', '2.0.1')).toBe(true);
    expect(affectsVersion(ip, 'ip', '2.0.2')).toBe(false);
    expect(affectsVersion(ip, 'ip', '2.0.2-beta.0')).toBe(false);
    const fixed = fixtureRecord('GHSA-2p57-rm9w-gvfp');
    expect(affectsVersion(fixed, 'ip', '2.0.1')).toBe(false);
    expect(affectsVersion(fixed, 'ip', '2.0.0')).toBe(true);
  });

  it('withdrawn records never match', () => {
    const withdrawn = fixtureRecord('DERIVED-withdrawn-GHSA-2p57-rm9w-gvfp');
    expect(affectsVersion(withdrawn, 'ip', '1.0.0')).toBe(false);
  });

  it('invalid versions only match explicit lists, and are reported instead of thrown', () => {
    const problems: string[] = [];
    const record: OsvRecord = {
      id: 'TEST-1',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0'], ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: 'not-a-version' }] }] }],
    };
    const onInvalidVersion = (p: { value: string }) => void problems.push(p.value);
    expect(affectsVersion(record, 'x', '1.0', { onInvalidVersion })).toBe(true);
    expect(affectsVersion(record, 'x', 'latest', { onInvalidVersion })).toBe(false);
    // the unorderable `fixed` event is dropped: the range stays open from 0
    expect(affectsVersion(record, 'x', '3.0.0', { onInvalidVersion })).toBe(true);
    expect(problems).toEqual(expect.arrayContaining(['latest', 'not-a-version']));
  });

  it('limit events cap a range; "*" means no limit; GIT ranges are ignored', () => {
    const record: OsvRecord = {
      id: 'TEST-2',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { limit: '1.5.0' }] }] },
        { package: { ecosystem: 'npm', name: 'y' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { limit: '*' }] }] },
        { package: { ecosystem: 'npm', name: 'z' }, ranges: [{ type: 'GIT', repo: 'r', events: [{ introduced: '0' }] }] },
      ],
    };
    expect(affectsVersion(record, 'x', '1.4.9')).toBe(true);
    expect(affectsVersion(record, 'x', '1.5.0')).toBe(false);
    expect(affectsVersion(record, 'y', '9.0.0')).toBe(true);
    expect(affectsVersion(record, 'z', '1.0.0')).toBe(false);
  });

  it('re-introduction after a fix in one range (introduced, fixed, introduced)', () => {
    const record: OsvRecord = {
      id: 'TEST-3',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { fixed: '1.5.0' }, { introduced: '1.0.0' }, { fixed: '2.1.0' }] }] }],
    };
    // sorted: introduced 1.0.0, fixed 1.5.0, introduced 2.0.0, fixed 2.1.0
    expect(affectsVersion(record, 'x', '1.2.0')).toBe(true);
    expect(affectsVersion(record, 'x', '1.7.0')).toBe(false);
    expect(affectsVersion(record, 'x', '2.0.5')).toBe(true);
    expect(affectsVersion(record, 'x', '2.1.0')).toBe(false);
  });
});

import { compareVersions, resolveAffectedVersions } from './affected-versions';
import { RecallError } from './recall-error';

const KNOWN = ['1.0.0', '1.1.0', '1.2.0-beta.1', '1.2.0', '2.0.0-rc.1', '2.0.0'];

function refusal(run: () => unknown): { code: string; problems: readonly string[] } {
  try {
    run();
  } catch (e: unknown) {
    if (e instanceof RecallError) return { code: e.code, problems: e.problems };
    throw e;
  }
  throw new Error('expected a RecallError');
}

describe('affected versions of a manual recall', () => {
  it('takes exact versions as given', () => {
    expect(resolveAffectedVersions(KNOWN, { versions: ['1.1.0', '1.0.0'], range: '' })).toEqual(['1.0.0', '1.1.0']);
  });

  it('matches a range with prereleases included', () => {
    expect(resolveAffectedVersions(KNOWN, { versions: [], range: '>=1.1.0 <2.0.0' })).toEqual(['1.1.0', '1.2.0-beta.1', '1.2.0', '2.0.0-rc.1']);
    expect(resolveAffectedVersions(KNOWN, { versions: [], range: '^2.0.0-0' })).toEqual(['2.0.0-rc.1', '2.0.0']);
  });

  it('unites exact versions and the range, without duplicates', () => {
    expect(resolveAffectedVersions(KNOWN, { versions: ['1.0.0', '1.2.0'], range: '~1.2.0-0' })).toEqual(['1.0.0', '1.2.0-beta.1', '1.2.0']);
  });

  it('refuses an invalid range', () => {
    expect(refusal(() => resolveAffectedVersions(KNOWN, { versions: [], range: 'not a range!' })).code).toBe('RECALL_INVALID_RANGE');
  });

  it('refuses an exact version that is not recorded, naming each', () => {
    expect(refusal(() => resolveAffectedVersions(KNOWN, { versions: ['1.0.0', '9.9.9', '8.0.0'], range: '' }))).toEqual({
      code: 'RECALL_NO_MATCHING_VERSION',
      problems: ['versions: 9.9.9 is not a recorded version', 'versions: 8.0.0 is not a recorded version'],
    });
  });

  it('refuses a range that matches nothing, and a request that names nothing', () => {
    expect(refusal(() => resolveAffectedVersions(KNOWN, { versions: [], range: '>=3' })).code).toBe('RECALL_NO_MATCHING_VERSION');
    expect(refusal(() => resolveAffectedVersions(KNOWN, { versions: [' '], range: '' })).code).toBe('RECALL_INVALID_REQUEST');
  });

  it('orders by semver, non-versions last', () => {
    expect(['2.0.0', 'weird', '1.10.0', '1.9.0'].sort(compareVersions)).toEqual(['1.9.0', '1.10.0', '2.0.0', 'weird']);
  });
});

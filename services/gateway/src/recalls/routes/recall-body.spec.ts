import { RegistryHttpError } from '../../http/registry-errors';
import { idParam, recallTarget, waiverSeconds } from './recall-body';

const refused = (work: () => unknown) => {
  try {
    work();
  } catch (e: unknown) {
    if (e instanceof RegistryHttpError) return e.message;
    throw e;
  }
  throw new Error('not refused');
};

describe('recall request bodies', () => {
  it('reads a spec as an exact version or a range, scoped names included', () => {
    expect(recallTarget({ spec: '@acme/lib@1.0.1' })).toEqual({ name: '@acme/lib', versions: ['1.0.1'], versionRange: '' });
    expect(recallTarget({ spec: 'lodash@v4.17.20' })).toEqual({ name: 'lodash', versions: ['4.17.20'], versionRange: '' });
    expect(recallTarget({ spec: 'lodash@<4.17.21' })).toEqual({ name: 'lodash', versions: [], versionRange: '<4.17.21' });
    expect(recallTarget({ spec: 'lodash@4.x || 5.0.0-beta.1' })).toEqual({ name: 'lodash', versions: [], versionRange: '4.x || 5.0.0-beta.1' });
    expect(refused(() => recallTarget({ spec: 'Not A Name@1.0.0' }))).toBe('invalid package name or version: "Not A Name"');
  });

  it('reads name with versions and/or range, without repeats', () => {
    expect(recallTarget({ name: 'a', versions: ['1.0.0', '1.0.0', '2.0.0'] })).toEqual({ name: 'a', versions: ['1.0.0', '2.0.0'], versionRange: '' });
    expect(recallTarget({ name: 'a', range: '>=1 <2' })).toEqual({ name: 'a', versions: [], versionRange: '>=1 <2' });
    expect(refused(() => recallTarget({ name: 'a', versions: '1.0.0' }))).toBe('bad request: versions must be a list of exact versions');
  });

  it('reads waiver durations in seconds or with units, up to 30 days', () => {
    expect(waiverSeconds(3600)).toBe(3600);
    expect(waiverSeconds('3600')).toBe(3600);
    expect(waiverSeconds('24h')).toBe(86_400);
    expect(waiverSeconds('1h30m')).toBe(5_400);
    expect(waiverSeconds('30d')).toBe(30 * 86_400);
    expect(refused(() => waiverSeconds('30d1s'))).toBe('bad request: duration must be between 1 second and 30 days (got 2592001 s)');
    expect(refused(() => waiverSeconds(0))).toBe('bad request: duration must be between 1 second and 30 days (got 0 s)');
    for (const bad of ['1 day', '-5', '1.5h', '', null, true]) expect(refused(() => waiverSeconds(bad))).toMatch(/^bad request: duration is required/);
  });

  it('takes ids from the path decoded, printable and bounded', () => {
    expect(idParam('rc-1', 'recall id')).toBe('rc-1');
    expect(idParam('rc%3A1', 'recall id')).toBe('rc:1');
    expect(refused(() => idParam('rc%201', 'recall id'))).toBe('bad request: malformed recall id "rc 1"');
    expect(refused(() => idParam('%E0%A4%A', 'recall id'))).toBe('bad request: malformed recall id in the URL');
  });
});

import { chooseRollback, rollbackCommand, type RollbackCandidate } from './rollback';

const admitted = (version: string, views: string[] = ['dev', 'prod'], extra: Partial<RollbackCandidate> = {}): RollbackCandidate => ({
  version,
  admittedIn: views,
  quarantinedIn: [],
  unpublished: false,
  verdict: 'clean',
  ...extra,
});

const choose = (from: string, candidates: RollbackCandidate[], options: { view?: string; affected?: string[] } = {}) =>
  chooseRollback({ from, view: options.view ?? 'prod', candidates, affected: new Set(options.affected ?? [from]) });

describe('rollback suggestion', () => {
  it('prefers the lowest version above the affected one in the same major (a fix)', () => {
    expect(choose('1.2.0', [admitted('1.1.0'), admitted('1.2.1'), admitted('1.3.0'), admitted('2.0.0')])).toBe('1.2.1');
  });

  it('falls back to the highest version below in the same major', () => {
    expect(choose('1.2.0', [admitted('1.0.0'), admitted('1.1.5'), admitted('2.0.0'), admitted('0.9.0')])).toBe('1.1.5');
  });

  it('looks at the other majors only when the same major has nothing safe: the lowest above, else the highest below', () => {
    expect(choose('1.2.0', [admitted('0.9.0'), admitted('3.0.0'), admitted('2.1.0')])).toBe('2.1.0');
    expect(choose('1.2.0', [admitted('0.8.0'), admitted('0.9.0')])).toBe('0.9.0');
  });

  it('never suggests a version of the case, unpublished, blocked, quarantined in that view, or not admitted there', () => {
    const candidates = [
      admitted('1.2.1', ['dev', 'prod'], { unpublished: true }),
      admitted('1.2.2', ['dev', 'prod'], { verdict: 'block' }),
      admitted('1.2.3', ['dev', 'prod'], { quarantinedIn: ['prod'] }),
      admitted('1.2.4', ['dev']),
      admitted('1.2.5'),
      admitted('1.2.6'),
    ];
    expect(choose('1.2.0', candidates, { affected: ['1.2.0', '1.2.5'] })).toBe('1.2.6');
    // In dev, 1.2.3 is quarantined only in prod and 1.2.4 is admitted.
    expect(choose('1.2.0', candidates, { view: 'dev', affected: ['1.2.0', '1.2.5'] })).toBe('1.2.3');
  });

  it('accepts warn verdicts and versions not yet scanned', () => {
    expect(choose('1.0.0', [admitted('1.0.1', ['prod'], { verdict: 'warn' })])).toBe('1.0.1');
    expect(choose('1.0.0', [admitted('1.0.2', ['prod'], { verdict: undefined })])).toBe('1.0.2');
  });

  it('suggests prereleases only to someone already on a prerelease', () => {
    const candidates = [admitted('2.0.0-beta.2'), admitted('1.9.0')];
    expect(choose('2.0.0-beta.1', candidates)).toBe('2.0.0-beta.2');
    expect(choose('1.9.5', [admitted('1.10.0-rc.1'), admitted('1.9.0')])).toBe('1.9.0');
  });

  it('answers undefined when nothing is safe or the affected version is not semver', () => {
    expect(choose('1.0.0', [])).toBeUndefined();
    expect(choose('1.0.0', [admitted('1.0.0')])).toBeUndefined();
    expect(choose('latest', [admitted('1.0.0')])).toBeUndefined();
  });

  it('tells a direct consumer to install and a transitive one to override', () => {
    expect(rollbackCommand('@acme/widget', '1.2.1', true)).toBe('npm install @acme/widget@1.2.1');
    expect(rollbackCommand('@acme/widget', '1.2.1', false)).toBe('add "overrides": { "@acme/widget": "1.2.1" } to package.json, then npm install');
    expect(rollbackCommand('@acme/widget', undefined, true)).toBe('');
  });
});

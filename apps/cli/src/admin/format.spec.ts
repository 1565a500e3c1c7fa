import { formatPolicy } from './format';

const revision = { version: 3, origin: 'api', appliedBy: 'alice', appliedAt: '2026-12-07T00:00:00.000Z', comment: '' };

describe('formatPolicy', () => {
  it('names the views that list upstream versions before judging them, above the document', () => {
    const text = formatPolicy({ ...revision, yaml: 'views:\n  dev: {}\n', history: [revision], onDemandViews: ['dev', 'staging'] });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '# promotion policy version 3, api, applied by alice at 2026-12-07T00:00:00.000Z',
      '# upstream versions listed before judgment, judged on demand, in: dev, staging',
      'views:',
    ]);
    expect(formatPolicy({ ...revision, yaml: 'views: {}', history: [], onDemandViews: [] })).toContain('judged on demand, in: no view');
    // An older gateway does not say: no line rather than a wrong one.
    expect(formatPolicy({ ...revision, yaml: 'views: {}', history: [] })).not.toContain('judged on demand');
  });
});

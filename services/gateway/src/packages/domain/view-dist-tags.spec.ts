import { viewDistTags } from './view-dist-tags';

describe('viewDistTags', () => {
  it('keeps tags whose version the view serves', () => {
    expect(viewDistTags({ latest: '2.0.0', next: '3.0.0-rc.1' }, ['1.0.0', '2.0.0', '3.0.0-rc.1'])).toEqual({ latest: '2.0.0', next: '3.0.0-rc.1' });
  });

  it('moves latest to the highest stable served version and drops other unserved tags', () => {
    expect(viewDistTags({ latest: '2.0.0', next: '3.0.0-rc.1' }, ['1.0.0', '1.2.0', '3.0.0-rc.1'])).toEqual({ latest: '1.2.0', next: '3.0.0-rc.1' });
    expect(viewDistTags({ latest: '2.0.0', old: '0.9.0' }, ['1.0.0'])).toEqual({ latest: '1.0.0' });
  });

  it('falls back to the highest prerelease when nothing stable is served, and invents latest when missing', () => {
    expect(viewDistTags({}, ['1.0.0-alpha.1', '1.0.0-alpha.2'])).toEqual({ latest: '1.0.0-alpha.2' });
    expect(viewDistTags({ beta: '1.0.0' }, ['1.0.0', '0.5.0'])).toEqual({ latest: '1.0.0', beta: '1.0.0' });
  });

  it('keeps a backwards latest the publisher set when it is served', () => {
    expect(viewDistTags({ latest: '1.0.0' }, ['1.0.0', '2.0.0'])).toEqual({ latest: '1.0.0' });
  });

  it('has no tags when nothing is served', () => {
    expect(viewDistTags({ latest: '1.0.0' }, [])).toEqual({});
  });
});

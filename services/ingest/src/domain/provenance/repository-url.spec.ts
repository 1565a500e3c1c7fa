import { manifestRepository, normaliseRepositoryUrl } from './repository-url';

describe('normaliseRepositoryUrl', () => {
  it.each([
    ['git+https://github.com/acme/widget.git', 'https://github.com/acme/widget'],
    ['https://github.com/acme/widget', 'https://github.com/acme/widget'],
    ['https://GitHub.com/acme/widget/', 'https://github.com/acme/widget'],
    ['git+ssh://git@github.com/acme/widget.git', 'https://github.com/acme/widget'],
    ['git@github.com:acme/widget.git', 'https://github.com/acme/widget'],
    ['acme/widget', 'https://github.com/acme/widget'],
    ['github:acme/widget', 'https://github.com/acme/widget'],
    ['gitlab:acme/widget', 'https://gitlab.com/acme/widget'],
    ['git+https://github.com/acme/widget@refs/heads/main', 'https://github.com/acme/widget'],
    ['git://git.example.test/team/widget.git', 'https://git.example.test/team/widget'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseRepositoryUrl(raw)).toBe(expected);
  });

  it.each(['', 'not a url at all', 'file:///tmp/repo', 'https://github.com/'])('refuses %j', (raw) => {
    expect(normaliseRepositoryUrl(raw)).toBeUndefined();
  });

  it('keeps different repositories different', () => {
    expect(normaliseRepositoryUrl('acme/widget')).not.toBe(normaliseRepositoryUrl('acme/widgets'));
  });
});

describe('manifestRepository', () => {
  it('reads both forms', () => {
    expect(manifestRepository({ repository: 'acme/widget' })).toBe('acme/widget');
    expect(manifestRepository({ repository: { type: 'git', url: 'git+https://github.com/acme/widget.git' } })).toBe('git+https://github.com/acme/widget.git');
    expect(manifestRepository({})).toBeUndefined();
  });
});

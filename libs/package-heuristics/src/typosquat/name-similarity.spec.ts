import { findSquatTarget, squatTechnique } from './name-similarity';

describe('squatTechnique', () => {
  it.each([
    ['crossenv', 'cross-env', 'separator or case swap'],
    ['Lodash', 'lodash', 'separator or case swap'],
    ['@typse/node', '@types/node', 'scope look-alike'],
    ['babelcore', '@babel/core', 'scope flattened into the name'],
    ['chalk-js', 'chalk', 'js/node affix added'],
    ['node-fetchh', 'node-fetch', 'one character different'],
    ['elctron', 'electron', 'one character different'],
    ['electorn', 'electron', 'adjacent characters swapped'],
    ['rnocha', 'mocha', 'look-alike characters'],
    ['webpack-dev-servre', 'webpack-dev-server', 'adjacent characters swapped'],
    ['eslint-plugin-reakt-x', 'eslint-plugin-react', undefined],
  ])('%s vs %s → %s', (name, target, technique) => {
    expect(squatTechnique(name, target)).toBe(technique);
  });

  it('does not count the same name, short names or a letter added in front', () => {
    expect(squatTechnique('react', 'react')).toBeUndefined();
    expect(squatTechnique('ms', 'mz')).toBeUndefined();
    expect(squatTechnique('bcrypt', 'crypt')).toBeUndefined();
    expect(squatTechnique('preact', 'react')).toBeUndefined();
  });

  it('drops a scope only when asked (internal names)', () => {
    expect(squatTechnique('billing', '@acme/billing')).toBeUndefined();
    expect(squatTechnique('billing', '@acme/billing', { scopeDrop: true })).toBe('scope dropped');
  });

  it('findSquatTarget returns nothing for a name in the list', () => {
    expect(findSquatTarget('lodash', ['lodash', 'lodash-es'])).toBeUndefined();
    expect(findSquatTarget('lodahs', ['react', 'lodash'])).toEqual({ target: 'lodash', technique: 'adjacent characters swapped' });
  });
});

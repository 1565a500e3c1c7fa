import { analyze, findingsOf } from '../__fixtures__/package-builder';

describe('typosquat rules', () => {
  it.each([
    ['expresss', 'express'],
    ['lodahs', 'lodash'],
    ['cross_env', 'cross-env'],
    ['@tyeps/node', '@types/node'],
    ['react-dom-js', 'react-dom'],
    ['types-node', '@types/node'],
  ])('warns that %s imitates %s', (name, target) => {
    const [found] = findingsOf(analyze({ name }), 'typosquat.popular-name');
    expect(found).toMatchObject({ severity: 'medium', category: 'suspicious', message: expect.stringContaining(`"${target}"`) });
  });

  it('never flags an exact popular name or a distant one', () => {
    for (const name of ['express', 'lodash', '@types/node', 'bcrypt', 'my-company-widgets']) expect(findingsOf(analyze({ name }), 'typosquat.popular-name')).toEqual([]);
  });

  it('flags imitations of internal names, including a dropped or flattened scope', () => {
    const internalNames = ['@acme/payments-sdk', 'acme-logger'];
    for (const name of ['payments-sdk', 'acme-payments-sdk', '@acmee/payments-sdk', '@acne/payments-sdk', 'acme_logger']) {
      expect(findingsOf(analyze({ name, internalNames }), 'typosquat.internal-name')[0].severity).toBe('high');
    }
    // The same name, or a sibling inside the organisation's own scope, is not an imitation.
    for (const name of ['@acme/payments-sdk', '@acme/payment-sdk']) expect(findingsOf(analyze({ name, internalNames }), 'typosquat.internal-name')).toEqual([]);
  });
});

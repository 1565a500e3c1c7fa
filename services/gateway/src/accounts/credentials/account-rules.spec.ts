import { emailProblem, passwordProblem, userNameProblem } from './account-rules';

describe('account rules', () => {
  it.each(['alice', 'a', 'ci-bot', 'j.doe', 'x_1', '0day'])('accepts the user name %s', (name) => {
    expect(userNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['Alice', /lower case/],
    ['.hidden', /start with/],
    ['a b', /may contain only/],
    ['a/b', /may contain only/],
    ["o'neil", /may contain only/],
    ['%41', /may contain only/],
    ['a'.repeat(215), /longer/],
  ])('refuses the user name %j', (name, problem) => {
    expect(userNameProblem(name)).toMatch(problem);
  });

  it('checks emails and password length', () => {
    expect(emailProblem('a@example.org')).toBeUndefined();
    expect(emailProblem('nope')).toMatch(/email address/);
    expect(emailProblem(`${'a'.repeat(250)}@x.io`)).toMatch(/longer/);
    expect(passwordProblem('12345678')).toBeUndefined();
    expect(passwordProblem('1234567')).toMatch(/at least 8/);
    expect(passwordProblem('x'.repeat(1025))).toMatch(/at most/);
  });
});

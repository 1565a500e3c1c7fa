import { RegistryHttpError } from '../../http/registry-errors';
import { PasswordThrottle } from './password-throttle';

describe('PasswordThrottle', () => {
  let now = 1_000_000;
  const clock = () => now;
  const wrong = () => Promise.resolve(undefined);
  const right = () => Promise.resolve('user');

  async function refusal(run: Promise<unknown>): Promise<RegistryHttpError> {
    try {
      await run;
    } catch (e: unknown) {
      if (e instanceof RegistryHttpError) return e;
      throw e;
    }
    throw new Error('expected a refusal');
  }

  beforeEach(() => {
    now = 1_000_000;
  });

  it('locks an account after its failures, with 429 and Retry-After, without checking the password', async () => {
    const throttle = new PasswordThrottle({ perAccount: 3, perAddress: 100, windowMs: 60_000 }, clock);
    for (let i = 0; i < 3; i += 1) expect(await throttle.check('alice', '10.0.0.1', wrong)).toBeUndefined();
    const attempt = jest.fn(right);
    const error = await refusal(throttle.check('alice', '10.0.0.2', attempt));
    expect(error).toMatchObject({ status: 429, code: 'PAL_ERR_TOO_MANY_ATTEMPTS', headers: { 'retry-after': '60' } });
    expect(attempt).not.toHaveBeenCalled();
    expect(await throttle.check('bob', '10.0.0.3', right)).toBe('user');
    now += 60_000;
    expect(await throttle.check('alice', '10.0.0.2', right)).toBe('user');
  });

  it('a success resets the account count', async () => {
    const throttle = new PasswordThrottle({ perAccount: 3, perAddress: 100, windowMs: 60_000 }, clock);
    await throttle.check('alice', 'a', wrong);
    await throttle.check('alice', 'a', wrong);
    await throttle.check('alice', 'a', right);
    await throttle.check('alice', 'a', wrong);
    await throttle.check('alice', 'a', wrong);
    expect(await throttle.check('alice', 'a', right)).toBe('user');
  });

  it('locks an address that guesses across many accounts', async () => {
    const throttle = new PasswordThrottle({ perAccount: 100, perAddress: 5, windowMs: 60_000 }, clock);
    for (let i = 0; i < 5; i += 1) await throttle.check(`user${i}`, '10.9.9.9', wrong);
    expect((await refusal(throttle.check('someone', '10.9.9.9', right))).status).toBe(429);
    expect(await throttle.check('someone', '10.9.9.8', right)).toBe('user');
  });

  it('stays bounded in memory', async () => {
    const throttle = new PasswordThrottle({ perAccount: 2, perAddress: 1_000_000, windowMs: 60_000 }, clock, 10);
    for (let i = 0; i < 100; i += 1) await throttle.check(`u${i}`, undefined, wrong);
    expect(await throttle.check('u99', undefined, right)).toBe('user');
  });
});

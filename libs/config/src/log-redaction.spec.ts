import { censorSecrets } from './log-redaction';
import { SECRET_KEY_PATTERN } from './redact';

describe('censorSecrets', () => {
  it('matches credential names in any case and style, and leaves look-alikes alone', () => {
    for (const key of ['password', 'adminPassword', 'client_secret', 'npmToken', 'id_token', 'API_KEY', 'apiKey', 'privateKey', 'Set-Cookie', 'Authorization', 'PALISADE_DATABASE_URL', 'pem', 'privateKeyPem']) {
      expect(`${key}: ${SECRET_KEY_PATTERN.test(key)}`).toBe(`${key}: true`);
    }
    for (const key of ['keyid', 'tokenCount', 'tokenHash', 'passwordPolicy', 'host', 'integrity', 'publicKey']) {
      expect(`${key}: ${SECRET_KEY_PATTERN.test(key)}`).toBe(`${key}: false`);
    }
  });

  it('censors nested keys and arrays, copying only what changes', () => {
    const shared = { keep: 1 };
    const input = { a: { b: { c: { token: 't' } } }, list: [{ password: 'p' }, shared], shared, flag: { secret: true } };
    const output = censorSecrets(input);
    expect(output).toEqual({ a: { b: { c: { token: '[redacted]' } } }, list: [{ password: '[redacted]' }, shared], shared, flag: { secret: true } });
    expect(input.a.b.c.token).toBe('t');
    expect(output.shared).toBe(shared);
    const clean = { x: { y: 1 } };
    expect(censorSecrets(clean)).toBe(clean);
  });

  it('stops at cycles and leaves class instances alone', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(() => censorSecrets(cyclic)).not.toThrow();
    const date = new Date(0);
    expect(censorSecrets({ at: date }).at).toBe(date);
  });
});

import { bool, duration, int, isSecretSchema, list, oneOf, port, secret, str, url } from './schemas';

function messageOf(result: { success: boolean; error?: { issues: { message: string }[] } }): string {
  return result.error?.issues.map((issue) => issue.message).join('; ') ?? '';
}

describe('config schemas', () => {
  it('port accepts 1–65535 only', () => {
    expect(port().parse('8080')).toBe(8080);
    expect(port().parse(' 443 ')).toBe(443);
    for (const bad of ['0', '65536', 'http', '80.5', '-1', '']) {
      expect(messageOf(port().safeParse(bad))).toBe('must be a whole number between 1 and 65535');
    }
  });

  it('int honours its bounds and rejects non-integers', () => {
    expect(int({ min: -5 }).parse('-5')).toBe(-5);
    expect(messageOf(int({ min: 1 }).safeParse('0'))).toBe('must be a whole number of at least 1');
    expect(messageOf(int({ max: 3 }).safeParse('4'))).toBe('must be a whole number of at most 3');
    expect(int().safeParse('1e3').success).toBe(false);
    expect(int().safeParse('99999999999999999999').success).toBe(false);
  });

  it('url checks the scheme when asked', () => {
    const pg = url({ protocols: ['postgres', 'postgresql'] });
    expect(pg.parse('postgres://u@db:5432/x')).toBe('postgres://u@db:5432/x');
    expect(messageOf(pg.safeParse('mysql://db'))).toBe('must be an absolute URL with scheme postgres: or postgresql:');
    expect(url().safeParse('not a url').success).toBe(false);
    expect(url().parse('https://example.test/x')).toBe('https://example.test/x');
  });

  it('bool accepts true/false/1/0 and refuses anything else', () => {
    expect(bool().parse('TRUE')).toBe(true);
    expect(bool().parse('1')).toBe(true);
    expect(bool().parse('false')).toBe(false);
    expect(bool().parse('0')).toBe(false);
    expect(messageOf(bool().safeParse('yes'))).toBe('must be true, false, 1 or 0');
  });

  it('duration reads milliseconds or a number with a unit', () => {
    expect(duration().parse('5000')).toBe(5000);
    expect(duration().parse('250ms')).toBe(250);
    expect(duration().parse('5s')).toBe(5000);
    expect(duration().parse('1.5s')).toBe(1500);
    expect(duration().parse('2m')).toBe(120_000);
    expect(duration().parse('1h')).toBe(3_600_000);
    expect(duration().parse('1d')).toBe(86_400_000);
    expect(duration().safeParse('5 minutes').success).toBe(false);
    expect(duration({ maxMs: 1000 }).safeParse('2s').success).toBe(false);
    expect(duration({ minMs: 1000 }).safeParse('999').success).toBe(false);
  });

  it('list splits on commas, trims and validates items', () => {
    expect(list().parse(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(list(port()).parse('80,443')).toEqual([80, 443]);
    expect(list(port()).safeParse('80,x').success).toBe(false);
  });

  it('oneOf and str', () => {
    expect(oneOf(['a', 'b']).parse('b')).toBe('b');
    expect(messageOf(oneOf(['a', 'b']).safeParse('c'))).toBe('must be one of a, b');
    expect(str().parse('  x ')).toBe('x');
    expect(messageOf(str().safeParse('   '))).toBe('must not be empty');
  });

  it('secret marks the schema through default, optional and transforms, and leaves others unmarked', () => {
    const inner = url();
    expect(isSecretSchema(secret())).toBe(true);
    expect(isSecretSchema(secret(inner).default('https://x.test'))).toBe(true);
    expect(isSecretSchema(secret().optional())).toBe(true);
    expect(isSecretSchema(secret().transform((s) => s.length))).toBe(true);
    expect(isSecretSchema(inner)).toBe(false);
    expect(isSecretSchema(str().default('x'))).toBe(false);
    expect(secret(port()).parse('80')).toBe(80);
  });
});

import { maskUrlCredentials, redactSecrets } from './redact';

describe('maskUrlCredentials', () => {
  it('hides the password and keeps the rest', () => {
    expect(maskUrlCredentials('postgres://app:pa55word@db:5432/x')).toBe('postgres://app:[redacted]@db:5432/x');
    expect(maskUrlCredentials('nats://a:b@n1:4222,nats://c:d@n2:4222')).toBe('nats://a:[redacted]@n1:4222,nats://c:[redacted]@n2:4222');
    expect(maskUrlCredentials('postgres://app@db/x')).toBe('postgres://app@db/x');
    expect(maskUrlCredentials('http://host:8080/path')).toBe('http://host:8080/path');
  });
});

describe('redactSecrets', () => {
  it('hides keys that look secret on a hand-built object, and extra keys on request', () => {
    const safe = redactSecrets(
      { UPSTREAM_TOKEN: 't0k', ADMIN_PASSWORD: 'p', SIGNING_PRIVATE_KEY: 'k', MIRROR: 'https://u:pw@m/x', HOSTS: ['https://u:pw@a'], PORT: 1, OPAQUE: 'x' },
      ['OPAQUE'],
    );
    expect(safe).toEqual({
      UPSTREAM_TOKEN: '[redacted]',
      ADMIN_PASSWORD: '[redacted]',
      SIGNING_PRIVATE_KEY: '[redacted]',
      MIRROR: 'https://u:[redacted]@m/x',
      HOSTS: ['https://u:[redacted]@a'],
      PORT: 1,
      OPAQUE: '[redacted]',
    });
  });
});

import { externalRegistryUrl } from './view-path';

describe('externalRegistryUrl', () => {
  const forged = { host: '127.0.0.1:4873', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

  it('ignores X-Forwarded-* from a client that is not a trusted proxy', () => {
    expect(externalRegistryUrl(undefined, forged, '/dev')).toBe('http://127.0.0.1:4873/dev');
    expect(externalRegistryUrl(undefined, forged, '/dev', false)).toBe('http://127.0.0.1:4873/dev');
  });

  it('honours them from a trusted proxy, but only http or https as the scheme', () => {
    expect(externalRegistryUrl(undefined, forged, '/dev', true)).toBe('https://evil.example/dev');
    expect(externalRegistryUrl(undefined, { ...forged, 'x-forwarded-proto': 'javascript' }, '', true)).toBe('http://evil.example');
  });

  it('lets the configured public URL win', () => {
    expect(externalRegistryUrl('https://registry.internal/', forged, '/prod', true)).toBe('https://registry.internal/prod');
  });
});

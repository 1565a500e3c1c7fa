import { otlpTracesUrl } from './span-processor';

describe('otlpTracesUrl', () => {
  it('appends the traces path to a base URL once', () => {
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('https://otel.example.test/v1/traces')).toBe('https://otel.example.test/v1/traces');
  });
});

import { ConfigError } from './config-error';
import { commonConfig, httpPortVar } from './common-config';
import { extendConfig } from './config-definition';
import { loadConfig } from './load-config';

describe('commonConfig', () => {
  it('runs on one machine with no variables set', () => {
    expect(loadConfig(commonConfig, {})).toEqual({
      PALISADE_LOG_LEVEL: 'info',
      PALISADE_NATS_URL: 'nats://127.0.0.1:4222',
      PALISADE_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      PALISADE_HTTP_HOST: '127.0.0.1',
      PALISADE_OTEL_EXPORTER: 'none',
      PALISADE_OTEL_ENDPOINT: undefined,
    });
  });

  it('requires an endpoint when traces go to OTLP, naming the variable', () => {
    expect(() => loadConfig(commonConfig, { PALISADE_OTEL_EXPORTER: 'otlp' })).toThrow(
      new ConfigError([{ variable: 'PALISADE_OTEL_ENDPOINT', message: 'is required when PALISADE_OTEL_EXPORTER=otlp' }]).message,
    );
    const config = loadConfig(commonConfig, { PALISADE_OTEL_EXPORTER: 'otlp', PALISADE_OTEL_ENDPOINT: 'http://collector:4318' });
    expect(config.PALISADE_OTEL_ENDPOINT).toBe('http://collector:4318');
  });

  it('rejects unknown levels and exporters and wrong schemes', () => {
    try {
      loadConfig(commonConfig, { PALISADE_LOG_LEVEL: 'verbose', PALISADE_OTEL_EXPORTER: 'jaeger', PALISADE_NATS_URL: 'http://nats:4222' });
      throw new Error('expected a ConfigError');
    } catch (e: unknown) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.variable)).toEqual(['PALISADE_LOG_LEVEL', 'PALISADE_NATS_URL', 'PALISADE_OTEL_EXPORTER']);
    }
  });

  it('lets a service add its own HTTP port variable', () => {
    const gateway = extendConfig(commonConfig, { ...httpPortVar('PALISADE_GATEWAY_HTTP_PORT', 4873, 'gateway') });
    expect(loadConfig(gateway, {}).PALISADE_GATEWAY_HTTP_PORT).toBe(4873);
    expect(loadConfig(gateway, { PALISADE_GATEWAY_HTTP_PORT: '8000' }).PALISADE_GATEWAY_HTTP_PORT).toBe(8000);
    expect(() => loadConfig(gateway, { PALISADE_GATEWAY_HTTP_PORT: '0' })).toThrow('PALISADE_GATEWAY_HTTP_PORT');
    expect(gateway.shape.PALISADE_GATEWAY_HTTP_PORT.description).toContain('gateway');
  });
});

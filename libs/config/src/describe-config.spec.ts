import { commonConfig } from './common-config';
import { describeConfig } from './describe-config';
import { duration, list, port, secret, str } from './schemas';

describe('describeConfig', () => {
  it('lists every common variable with its default, secrecy and description', () => {
    const rows = describeConfig(commonConfig);
    expect(rows.map((r) => r.name)).toEqual([
      'PALISADE_LOG_LEVEL',
      'PALISADE_NATS_URL',
      'PALISADE_DATABASE_URL',
      'PALISADE_HTTP_HOST',
      'PALISADE_OTEL_EXPORTER',
      'PALISADE_OTEL_ENDPOINT',
    ]);
    expect(rows.find((r) => r.name === 'PALISADE_DATABASE_URL')).toMatchObject({
      default: 'postgres://postgres@127.0.0.1:5432/postgres',
      secret: true,
      required: false,
    });
    expect(rows.find((r) => r.name === 'PALISADE_OTEL_ENDPOINT')).toMatchObject({ default: undefined, secret: false, required: false });
    for (const row of rows) expect(row.description.length).toBeGreaterThan(10);
  });

  it('writes defaults the way they would be set in the environment and flags required variables', () => {
    const rows = describeConfig({
      A_PORT: { schema: port().default(8080), description: 'a' },
      A_LIST: { schema: list().default(['x', 'y']), description: 'b' },
      A_WAIT: { schema: duration().default(1500), description: 'c' },
      A_NAME: { schema: str(), description: 'd' },
      A_KEY: { schema: secret(), description: 'e' },
    });
    expect(rows.map((r) => [r.name, r.default, r.required, r.secret])).toEqual([
      ['A_PORT', '8080', false, false],
      ['A_LIST', 'x,y', false, false],
      ['A_WAIT', '1500', false, false],
      ['A_NAME', undefined, true, false],
      ['A_KEY', undefined, true, true],
    ]);
  });
});

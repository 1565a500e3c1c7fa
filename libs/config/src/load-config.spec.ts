import { inspect } from 'node:util';
import { isPalisadeError } from '@palisade/errors';
import { ConfigDefinitionError, ConfigError } from './config-error';
import { defineConfig, extendConfig } from './config-definition';
import { loadConfig } from './load-config';
import { bool, duration, list, port, secret, str, url } from './schemas';

const definition = defineConfig({
  APP_PORT: { schema: port().default(8080), description: 'port' },
  APP_DEBUG: { schema: bool().default(false), description: 'debug' },
  APP_TIMEOUT: { schema: duration().default(5000), description: 'timeout' },
  APP_PEERS: { schema: list().default(['a', 'b']), description: 'peers' },
  APP_NAME: { schema: str(), description: 'required name' },
  APP_TOKEN: { schema: secret().optional(), description: 'api token' },
  APP_DB: { schema: url({ protocols: ['postgres'] }).default('postgres://db/x'), description: 'db', secret: true },
  APP_UPSTREAM: { schema: url().optional(), description: 'upstream' },
});

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e: unknown) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults for unset and empty variables and types the values', () => {
    const config = loadConfig(definition, { APP_NAME: 'palisade', APP_DEBUG: '' });
    const portNumber: number = config.APP_PORT;
    expect(portNumber).toBe(8080);
    expect(config).toEqual({
      APP_PORT: 8080,
      APP_DEBUG: false,
      APP_TIMEOUT: 5000,
      APP_PEERS: ['a', 'b'],
      APP_NAME: 'palisade',
      APP_TOKEN: undefined,
      APP_DB: 'postgres://db/x',
      APP_UPSTREAM: undefined,
    });
  });

  it('parses given values', () => {
    const config = loadConfig(definition, { APP_NAME: 'n', APP_PORT: '9000', APP_DEBUG: '1', APP_TIMEOUT: '2m', APP_PEERS: 'x,y' });
    expect([config.APP_PORT, config.APP_DEBUG, config.APP_TIMEOUT, config.APP_PEERS]).toEqual([9000, true, 120_000, ['x', 'y']]);
  });

  it('ignores variables outside the shape', () => {
    expect(Object.keys(loadConfig(definition, { APP_NAME: 'n', OTHER: 'x' }))).not.toContain('OTHER');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig(definition, { APP_NAME: 'n' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.APP_PEERS)).toBe(true);
    expect(Reflect.set(config, 'APP_PORT', 1)).toBe(false);
  });

  it('names every wrong or missing variable in one error', () => {
    const error = configError(() => loadConfig(definition, { APP_PORT: 'eighty', APP_DEBUG: 'yes', APP_TIMEOUT: '5 minutes' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(isPalisadeError(error)).toBe(true);
    expect(error.problems.map((p) => p.variable)).toEqual(['APP_PORT', 'APP_DEBUG', 'APP_TIMEOUT', 'APP_NAME']);
    expect(error.message).toContain('Invalid configuration (4 problems)');
    expect(error.message).toContain('APP_PORT: must be a whole number between 1 and 65535 (got "eighty")');
    expect(error.message).toContain('APP_DEBUG: must be true, false, 1 or 0 (got "yes")');
    expect(error.message).toContain('APP_NAME: is required but not set');
  });

  it('never echoes the value of a secret variable', () => {
    const error = configError(() =>
      loadConfig(definition, { APP_NAME: 'n', APP_TOKEN: '', APP_DB: 'mysql://root:hunter2pass@db/x' }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual(['APP_DB']);
    expect(error.message).not.toContain('hunter2pass');
    expect(error.message).not.toContain('mysql://');
    expect(JSON.stringify(error.problems)).not.toContain('hunter2pass');
  });

  it('masks a password inside a non-secret URL it echoes', () => {
    const error = configError(() => loadConfig(definition, { APP_NAME: 'n', APP_UPSTREAM: 'https://bot:s3cr3t-pw@ bad host' }));
    expect(error.message).toContain('APP_UPSTREAM');
    expect(error.message).toContain('bot:[redacted]@');
    expect(error.message).not.toContain('s3cr3t-pw');
  });

  it('runs cross-field rules that name their variable, and scrubs secrets from their messages', () => {
    const withRule = defineConfig(definition.shape, {
      rules: [
        (c) => (c.APP_DEBUG && c.APP_TOKEN !== undefined ? [{ variable: 'APP_TOKEN', message: `must be unset in debug mode, not ${c.APP_TOKEN}` }] : []),
      ],
    });
    expect(loadConfig(withRule, { APP_NAME: 'n', APP_DEBUG: 'true' }).APP_DEBUG).toBe(true);
    const error = configError(() => loadConfig(withRule, { APP_NAME: 'n', APP_DEBUG: 'true', APP_TOKEN: 'tok-very-secret' }));
    expect(error.problems).toEqual([{ variable: 'APP_TOKEN', message: 'must be unset in debug mode, not [redacted]' }]);
  });

  it('serialises with secrets redacted, for JSON and for inspect', () => {
    const config = loadConfig(definition, { APP_NAME: 'n', APP_TOKEN: 'tok-very-secret', APP_DB: 'postgres://u:dbpass99@db/x' });
    expect(config.APP_TOKEN).toBe('tok-very-secret');
    const json = JSON.stringify(config);
    expect(json).not.toContain('tok-very-secret');
    expect(json).not.toContain('dbpass99');
    expect(JSON.parse(json)).toMatchObject({ APP_TOKEN: '[redacted]', APP_DB: '[redacted]', APP_NAME: 'n' });
    expect(inspect(config)).not.toContain('tok-very-secret');
  });

  it('accepts a bare shape as well as a definition', () => {
    expect(loadConfig({ X_Y: { schema: port().default(1), description: 'x' } }, {}).X_Y).toBe(1);
  });

  it('reads process.env by default', () => {
    process.env.PALISADE_SPEC_ONLY_PORT = '1234';
    try {
      expect(loadConfig({ PALISADE_SPEC_ONLY_PORT: { schema: port(), description: 'x' } }).PALISADE_SPEC_ONLY_PORT).toBe(1234);
    } finally {
      delete process.env.PALISADE_SPEC_ONLY_PORT;
    }
  });
});

describe('defineConfig / extendConfig', () => {
  it('refuses names that are not environment variable names and empty descriptions', () => {
    expect(() => defineConfig({ appPort: { schema: port(), description: 'x' } })).toThrow(ConfigDefinitionError);
    expect(() => defineConfig({ APP_PORT: { schema: port(), description: ' ' } })).toThrow('APP_PORT: description is empty');
  });

  it('extends a definition, keeps its rules and refuses clashing names', () => {
    const base = defineConfig(
      { A_MODE: { schema: str().default('x'), description: 'mode' } },
      { rules: [(c) => (c.A_MODE === 'bad' ? [{ variable: 'A_MODE', message: 'is bad' }] : [])] },
    );
    const extended = extendConfig(base, { B_PORT: { schema: port().default(1), description: 'port' } });
    expect(loadConfig(extended, {})).toEqual({ A_MODE: 'x', B_PORT: 1 });
    expect(configError(() => loadConfig(extended, { A_MODE: 'bad' })).problems).toEqual([{ variable: 'A_MODE', message: 'is bad' }]);
    expect(() => extendConfig(base, { A_MODE: { schema: str(), description: 'again' } })).toThrow('already defined: A_MODE');
  });
});

import { Writable } from 'node:stream';
import { defineConfig } from './config-definition';
import { EXIT_CONFIG, loadConfigOrExit } from './load-config-or-exit';
import { port, secret } from './schemas';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const definition = defineConfig({
  SVC_PORT: { schema: port(), description: 'port' },
  SVC_KEY: { schema: secret(), description: 'key' },
});

const exit = (code: number): never => {
  throw new Exited(code);
};

describe('loadConfigOrExit', () => {
  it('returns the config when the environment is valid', () => {
    const out = capture();
    const config = loadConfigOrExit(definition, { service: 'svc', env: { SVC_PORT: '80', SVC_KEY: 'k' }, destination: out.stream, exit });
    expect(config.SVC_PORT).toBe(80);
    expect(out.text()).toBe('');
  });

  it('writes one fatal JSON line naming every problem, without secrets, and exits with 78', () => {
    const out = capture();
    let exited: unknown;
    try {
      loadConfigOrExit(definition, { service: 'svc', env: { SVC_PORT: 'x', SVC_KEY: ' ' }, destination: out.stream, exit });
    } catch (e: unknown) {
      exited = e;
    }
    expect(exited).toBeInstanceOf(Exited);
    expect((exited as Exited).code).toBe(EXIT_CONFIG);
    expect(EXIT_CONFIG).toBe(78);
    const line = JSON.parse(out.text()) as { level: string; service: string; code: string; problems: { variable: string }[]; msg: string };
    expect(line).toMatchObject({ level: 'fatal', service: 'svc', code: 'CONFIG_INVALID' });
    expect(line.problems.map((p) => p.variable)).toEqual(['SVC_PORT', 'SVC_KEY']);
    expect(line.msg).toContain('SVC_PORT: must be a whole number');
  });

  it('rethrows errors that are not configuration problems', () => {
    const broken = defineConfig({
      SVC_X: {
        schema: port().transform(() => {
          throw new RangeError('bug');
        }),
        description: 'x',
      },
    });
    expect(() => loadConfigOrExit(broken, { service: 'svc', env: { SVC_X: '1' }, exit })).toThrow(RangeError);
  });
});

import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { defineConfig } from './config-definition';
import { loadConfig } from './load-config';
import { createLogger } from './logger';
import { secret, url } from './schemas';

type Line = Record<string, unknown>;

function capture(): { stream: Writable; lines: () => Line[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Line),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with service, level word and ISO time', () => {
    const out = capture();
    createLogger({ service: 'ingest', destination: out.stream }).info({ version: '1.0.0' }, 'stored');
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'ingest', level: 'info', msg: 'stored', version: '1.0.0' });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
    expect(line).not.toHaveProperty('trace_id');
  });

  it('respects the level', () => {
    const out = capture();
    const logger = createLogger({ service: 's', level: 'warn', destination: out.stream });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it('redacts credentials at the top level and nested in requests and errors', () => {
    const out = capture();
    const logger = createLogger({ service: 's', destination: out.stream, redactPaths: ['custom.field'] });
    logger.info(
      {
        password: 'pw-top-1',
        token: 'tok-top-2',
        user: { privateKey: 'pk-nested-3' },
        req: { headers: { authorization: 'Bearer auth-4', cookie: 'sid=cookie-5', 'set-cookie': 'sid=setcookie-6', host: 'h' } },
        err: { config: { headers: { Authorization: 'Basic deep-7' } } },
        custom: { field: 'custom-8' },
      },
      'request',
    );
    const failure = Object.assign(new Error('upstream refused'), { config: { headers: { 'X-Npm-Token': 'errtok-9' }, url: 'https://u' } });
    logger.error({ err: failure }, 'upstream failed');
    logger.child({ token: 'childtok-10' }).info('child');
    const raw = JSON.stringify(out.lines());
    expect(out.lines()).toHaveLength(3);
    for (const value of ['errtok-9', 'childtok-10', 'pw-top-1', 'tok-top-2', 'pk-nested-3', 'auth-4', 'cookie-5', 'setcookie-6', 'deep-7', 'custom-8']) {
      expect(raw).not.toContain(value);
    }
    const [line, errorLine] = out.lines();
    expect(line).toMatchObject({ password: '[redacted]', req: { headers: { authorization: '[redacted]', host: 'h' } } });
    expect(errorLine).toMatchObject({ err: { message: 'upstream refused', type: 'Error', config: { url: 'https://u' } } });
    expect((errorLine.err as { stack: string }).stack).toContain('upstream refused');
  });

  it('never prints a secret variable when a loaded config is logged whole', () => {
    const config = loadConfig(
      defineConfig({
        X_DATABASE: { schema: url(), description: 'db', secret: true },
        X_SIGNING: { schema: secret(), description: 'signing passphrase' },
        X_PUBLIC: { schema: url(), description: 'public' },
      }),
      { X_DATABASE: 'postgres://u:dbpw-9@db/x', X_SIGNING: 'passphrase-10', X_PUBLIC: 'https://mirror:mirrorpw-11@m' },
    );
    const out = capture();
    const logger = createLogger({ service: 's', destination: out.stream });
    logger.info({ config }, 'starting');
    logger.info({ app: { config } }, 'nested');
    logger.child({ config }).info('bound');
    expect(out.lines()).toHaveLength(3);
    const raw = JSON.stringify(out.lines());
    expect(raw).not.toContain('dbpw-9');
    expect(raw).not.toContain('passphrase-10');
    expect(raw).not.toContain('mirrorpw-11');
    expect(out.lines()[0]).toMatchObject({ config: { X_DATABASE: '[redacted]', X_PUBLIC: 'https://mirror:[redacted]@m' } });
  });

  describe('with an active span', () => {
    const contextManager = new AsyncLocalStorageContextManager();
    const provider = new BasicTracerProvider();

    beforeAll(() => {
      context.setGlobalContextManager(contextManager.enable());
    });
    afterAll(async () => {
      context.disable();
      await provider.shutdown();
    });

    it('carries the trace id and span id of the active span, also across awaits', async () => {
      const out = capture();
      const logger = createLogger({ service: 's', destination: out.stream });
      const ids = await provider.getTracer('spec').startActiveSpan('work', async (span) => {
        logger.info('before');
        await new Promise((resolve) => setImmediate(resolve));
        logger.child({ component: 'c' }).info('after');
        span.end();
        return span.spanContext();
      });
      logger.info('outside');
      const [before, after, outside] = out.lines();
      expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(before).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
      expect(after).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId, component: 'c' });
      expect(outside).not.toHaveProperty('trace_id');
      expect(trace.getActiveSpan()).toBeUndefined();
    });
  });
});

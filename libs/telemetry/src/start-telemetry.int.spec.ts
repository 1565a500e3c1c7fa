import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');

/*
 * The OTLP/HTTP exporter loads `http` with a dynamic import(), which Jest's CommonJS runtime
 * refuses; so this test exports from a real Node process running the built library.
 */
const child = `
const { startTelemetry, withSpan } = require(${JSON.stringify(join(root, 'libs/telemetry/dist'))});
const telemetry = startTelemetry({ serviceName: 'palisade-otlp-spec', exporter: 'otlp', endpoint: process.argv[1] });
withSpan('registry.cmd.ingest.publish', 'server', undefined, (span) => process.stdout.write(span.spanContext().traceId))
  .then(() => telemetry.shutdown());
`;

describe('startTelemetry with the otlp exporter', () => {
  beforeAll(async () => {
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'libs/telemetry'], { cwd: root });
  });

  it('sends the spans to the collector at the configured endpoint on shutdown', async () => {
    const received: { url?: string; contentType?: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ url: req.url, contentType: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      const { stdout } = await run(process.execPath, ['-e', child, `http://127.0.0.1:${port}/`], { cwd: root, timeout: 30_000 });
      expect(stdout).toMatch(/^[0-9a-f]{32}$/);
      expect(received).toHaveLength(1);
      expect(received[0].url).toBe('/v1/traces');
      expect(received[0].contentType).toBe('application/json');
      const body = received[0].body;
      expect(body).toContain('"palisade-otlp-spec"');
      expect(body).toContain('"registry.cmd.ingest.publish"');
      expect(body).toContain(stdout);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});

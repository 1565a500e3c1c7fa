import { createServer, request as httpRequest, type Server } from 'node:http';

/**
 * A proxy to the gateway at `target` that alters the first `sig` of every body it passes on, so a
 * client sees a registry signature that no longer verifies. Close `server` when done.
 */
export async function tamperingProxy(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host, 'accept-encoding': 'identity' } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').replace(/"sig":"([A-Za-z0-9+/])/, (_m, first: string) => `"sig":"${first === 'M' ? 'N' : 'M'}`);
        // The body changed: its length and etag no longer hold.
        const headers = { ...answer.headers };
        delete headers['content-length'];
        delete headers.etag;
        res.writeHead(answer.statusCode ?? 502, headers);
        res.end(body);
      });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

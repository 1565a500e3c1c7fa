import { runCleanups } from '@palisade/testing';
import { packTarball, publishBody } from '../packages/__fixtures__/publish-body';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';

// Per-route latency on the real gateway's /metrics: each registry request lands in its route's
// histogram with its method and status, once its answer has been sent.
const NAME = 'timed-lib';

/** The `_count` of the duration histogram for one route, method and status, from the Prometheus text. */
async function countOf(h: GatewayHarness, route: string, method: string, status: number): Promise<number> {
  const text = await (await fetch(`${h.service.url}/metrics`)).text();
  const wanted = [`route="${route}"`, `method="${method}"`, `status="${status}"`];
  const line = text.split('\n').find((l) => l.startsWith('palisade_gateway_http_request_duration_seconds_count{') && wanted.every((label) => l.includes(label)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('route metrics', () => {
  let h: GatewayHarness;

  beforeAll(async () => {
    h = await startGatewayHarness(`gw_route_metrics_${process.pid}`);
    const alice = await h.createUser('alice');
    expect((await h.call('PUT', `/dev/${NAME}`, { token: alice, body: publishBody(NAME, '1.0.0', await packTarball({ name: NAME, version: '1.0.0' })) })).status).toBe(201);
  });

  afterAll(() => runCleanups());

  it('times every answer under its route, method and status', async () => {
    const before = {
      tarball: await countOf(h, 'tarball', 'GET', 200),
      packument: await countOf(h, 'packument', 'GET', 200),
      missing: await countOf(h, 'tarball', 'GET', 404),
      none: await countOf(h, 'none', 'GET', 404),
    };
    for (let i = 0; i < 3; i += 1) expect((await h.call('GET', `/dev/${NAME}/-/${NAME}-1.0.0.tgz`)).status).toBe(200);
    expect((await h.call('GET', `/dev/${NAME}`)).status).toBe(200);
    expect((await h.call('GET', `/dev/${NAME}/-/${NAME}-9.9.9.tgz`)).status).toBe(404);
    expect((await h.call('GET', '/dev/-/no/such/route')).status).toBe(404);
    expect(await countOf(h, 'tarball', 'GET', 200)).toBe(before.tarball + 3);
    expect(await countOf(h, 'packument', 'GET', 200)).toBe(before.packument + 1);
    expect(await countOf(h, 'tarball', 'GET', 404)).toBe(before.missing + 1);
    expect(await countOf(h, 'none', 'GET', 404)).toBe(before.none + 1);
  });
});

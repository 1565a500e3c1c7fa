import { Events, KeyStatus, encodeMessage, timestampFromDate, type KeyStatus as KeyStatusValue } from '@palisade/contracts';
import { runCleanups, waitFor } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';
import { packTarball, publishBody } from '../packages/__fixtures__/publish-body';

// The gateway's side of signing: key sets and signatures arrive as events (the signing service is
// not running here) and show up at /-/npm/v1/keys and in dist.signatures, on every replica.
let h: GatewayHarness;
let alice: string;
const CORGI = 'application/vnd.npm.install-v1+json';

const keySet = (sequence: number, keys: Array<{ keyid: string; status: KeyStatusValue; expires?: Date }>) =>
  h.bus.publish({
    id: `key-changed:${sequence}`,
    subject: Events.keysChanged.subject,
    schema: Events.keysChanged.schema.typeName,
    data: encodeMessage(Events.keysChanged.schema, {
      sequence,
      keyid: keys[keys.length - 1].keyid,
      keys: keys.map((k) => ({
        keyid: k.keyid,
        keytype: 'ecdsa-sha2-nistp256',
        scheme: 'ecdsa-sha2-nistp256',
        publicKey: `PUB-${k.keyid}`,
        status: k.status,
        ...(k.expires ? { expires: timestampFromDate(k.expires) } : {}),
      })),
    }),
  });

const signed = (name: string, version: string, integrity: string, keyid: string, sig: string) =>
  h.bus.publish({
    id: `signed:${name}@${version}:${keyid}`,
    subject: Events.versionSigned.subject,
    schema: Events.versionSigned.schema.typeName,
    data: encodeMessage(Events.versionSigned.schema, { name, version, integrity, signature: { keyid, sig } }),
  });

async function publish(name: string, version: string): Promise<string> {
  const tarball = await packTarball({ name, version });
  const response = await h.call('PUT', `/dev/${name.replace('/', '%2f')}`, { token: alice, body: publishBody(name, version, tarball) });
  expect(response.status).toBe(201);
  return h.ingest.requests[h.ingest.requests.length - 1].tarball?.integrity as string;
}

type Doc = { versions: Record<string, { dist: { signatures?: unknown } }> };

beforeAll(async () => {
  h = await startGatewayHarness(`gw_signatures_${process.pid}`);
  alice = await h.createUser('alice');
});

afterAll(() => runCleanups());

describe('registry keys', () => {
  it('is 404 before any key set arrived (npm: "registry has no keys")', async () => {
    expect((await h.call('GET', '/dev/-/npm/v1/keys')).status).toBe(404);
  });

  it('serves the newest key set under every view and ignores an older one delivered late', async () => {
    const rotatedAt = new Date('2026-03-01T00:00:00.000Z');
    await keySet(3, [
      { keyid: 'SHA256:old', status: KeyStatus.REVOKED },
      { keyid: 'SHA256:mid', status: KeyStatus.RETIRED, expires: rotatedAt },
      { keyid: 'SHA256:new', status: KeyStatus.ACTIVE },
    ]);
    await waitFor(async () => (await h.call('GET', '/dev/-/npm/v1/keys')).status === 200, { message: 'keys served' });
    await keySet(2, [{ keyid: 'SHA256:stale', status: KeyStatus.ACTIVE }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const view of ['dev', 'staging', 'prod']) {
      const keys = await h.call('GET', `/${view}/-/npm/v1/keys`);
      expect(keys.json).toEqual({
        keys: [
          { expires: '-271821-04-20T00:00:00.000Z', keyid: 'SHA256:old', keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: 'PUB-SHA256:old' },
          { expires: rotatedAt.toISOString(), keyid: 'SHA256:mid', keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: 'PUB-SHA256:mid' },
          { expires: null, keyid: 'SHA256:new', keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: 'PUB-SHA256:new' },
        ],
      });
    }
  });
});

describe('dist.signatures', () => {
  it('appears in cached full and abbreviated packuments, on this replica and another', async () => {
    const integrity = await publish('sig-widget', '1.0.0');
    const replica = await h.startReplica();
    // Cached on both replicas before the signature arrives.
    expect(((await h.call('GET', '/dev/sig-widget')).json as Doc).versions['1.0.0'].dist.signatures).toBeUndefined();
    expect((((await (await fetch(`${replica.url}/dev/sig-widget`)).json()) as Doc).versions['1.0.0'].dist.signatures)).toBeUndefined();
    await signed('sig-widget', '1.0.0', integrity, 'SHA256:new', 'c2ln');
    await waitFor(async () => ((await h.call('GET', '/dev/sig-widget')).json as Doc).versions['1.0.0'].dist.signatures !== undefined, { message: 'signature rendered' });
    const expected = [{ keyid: 'SHA256:new', sig: 'c2ln' }];
    expect(((await h.call('GET', '/dev/sig-widget', { headers: { accept: CORGI } })).json as Doc).versions['1.0.0'].dist.signatures).toEqual(expected);
    await waitFor(async () => (((await (await fetch(`${replica.url}/dev/sig-widget`)).json()) as Doc).versions['1.0.0'].dist.signatures !== undefined), {
      timeoutMs: 5_000,
      message: 'the other replica renders it after its revision check',
    });
  });

  it('keeps a signature that arrives before its version, and ignores one for other bytes', async () => {
    const tarball = await packTarball({ name: 'sig-early', version: '1.0.0' });
    const body = publishBody('sig-early', '1.0.0', tarball);
    const integrity = (body.versions as Record<string, { dist: { integrity: string } }>)['1.0.0'].dist.integrity;
    await signed('sig-early', '1.0.0', integrity, 'SHA256:new', 'ZWFybHk=');
    await signed('sig-early', '1.0.0', 'sha512-otherbytes', 'SHA256:new', 'b3RoZXI=');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.call('PUT', '/dev/sig-early', { token: alice, body })).status).toBe(201);
    expect(((await h.call('GET', '/dev/sig-early')).json as Doc).versions['1.0.0'].dist.signatures).toEqual([{ keyid: 'SHA256:new', sig: 'ZWFybHk=' }]);
  });
});

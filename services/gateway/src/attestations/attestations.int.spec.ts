import { createPublicKey, randomBytes } from 'node:crypto';
import { startService, type RunningService } from '@palisade/platform';
import { signingService, verifyPalisadeAttestation, type ListedKey, type ServedAttestation } from '@palisade/service-signing';
import { freePort, registerCleanup, runCleanups, tempDir, waitFor } from '@palisade/testing';
import { detectRewrite, leafHash, verifyCheckpoint } from '@palisade/transparency-log';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';
import { packTarball, publishBody } from '../packages/__fixtures__/publish-body';

// The gateway's /-/palisade/v1/ routes over the real signing service on the same embedded bus
// (ingest and promotion faked): what a client fetches, verified with the served registry keys.
let h: GatewayHarness;
let signing: RunningService;
let alice: string;

async function publish(name: string, version: string): Promise<string> {
  const tarball = await packTarball({ name, version });
  const response = await h.call('PUT', `/dev/${name.replace('/', '%2f')}`, { token: alice, body: publishBody(name, version, tarball) });
  expect(response.status).toBe(201);
  return h.ingest.requests[h.ingest.requests.length - 1].tarball?.integrity as string;
}

async function servedKeys(): Promise<ListedKey[]> {
  await waitFor(async () => (await h.call('GET', '/dev/-/npm/v1/keys')).status === 200, { message: 'keys served' });
  return (await h.call('GET', '/dev/-/npm/v1/keys')).json.keys as ListedKey[];
}

async function attestations(path: string, count: number): Promise<ServedAttestation[]> {
  let found: ServedAttestation[] = [];
  await waitFor(
    async () => {
      const reply = await h.call('GET', path);
      found = reply.status === 200 ? (reply.json.attestations as ServedAttestation[]) : [];
      return found.length >= count;
    },
    { message: `${count} attestation(s) at ${path}` },
  );
  return found;
}

beforeAll(async () => {
  h = await startGatewayHarness(`gw_attestations_${process.pid}`);
  alice = await h.createUser('alice');
});

afterAll(() => runCleanups());

describe('/-/palisade/v1 before the signing service answers', () => {
  it('is 503 (unavailable), not an error page', async () => {
    const reply = await h.call('GET', '/-/palisade/v1/log/checkpoint');
    expect(reply.status).toBe(503);
    expect(reply.json.code).toBe('PAL_ERR_UNAVAILABLE');
  });
});

describe('/-/palisade/v1 with the signing service', () => {
  beforeAll(async () => {
    signing = await startService(signingService, {
      bus: h.bus,
      telemetry: false,
      env: {
        PALISADE_DATABASE_URL: h.databaseUrl,
        PALISADE_SIGNING_PORT: String(await freePort()),
        PALISADE_SIGNING_KEK: randomBytes(32).toString('base64'),
        PALISADE_DATA_DIR: await tempDir(),
        PALISADE_LOG_LEVEL: 'warn',
      },
    });
    registerCleanup(() => signing.stop());
  }, 30_000);

  it('serves publish and admission attestations of a scoped version under every spelling, never in dist.attestations', async () => {
    const integrity = await publish('@acme/attested', '1.0.0');
    const keys = await servedKeys();
    const served = await attestations('/dev/-/palisade/v1/attestations/@acme/attested@1.0.0', 2);
    expect(served.map((a) => a.predicateType).sort()).toEqual(['https://palisade.dev/attestation/admission/v1', 'https://palisade.dev/attestation/publish/v1']);
    for (const a of served) {
      expect(Object.keys(a)).toEqual(['predicateType', 'envelope', 'logEntry']);
      expect(Object.keys(a.logEntry)).toEqual(['logIndex', 'treeSize', 'rootHash', 'hashes', 'checkpoint']);
      expect(verifyPalisadeAttestation(a, { name: '@acme/attested', version: '1.0.0', integrity }, keys).keyid).toBe(keys[0].keyid);
    }
    for (const path of ['/-/palisade/v1/attestations/%40acme%2fattested@1.0.0', '/prod/-/palisade/v1/attestations/%40acme%2Fattested%401.0.0']) {
      const reply = await h.call('GET', path);
      expect(reply.status).toBe(200);
      expect(reply.json.attestations).toEqual(served);
    }
    const packument = (await h.call('GET', '/dev/@acme%2fattested')).json as { versions: Record<string, { dist: Record<string, unknown> }> };
    expect(packument.versions['1.0.0'].dist.attestations).toBeUndefined();
  });

  it('answers 404 for a version without attestations and 400 for a malformed spec', async () => {
    expect((await h.call('GET', '/dev/-/palisade/v1/attestations/nobody@1.0.0')).status).toBe(404);
    expect((await h.call('GET', '/dev/-/palisade/v1/attestations/no-version')).status).toBe(400);
  });

  it('serves the checkpoint as a signed note verifiable with the served key', async () => {
    const reply = await h.call('GET', '/dev/-/palisade/v1/log/checkpoint');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(reply.text).toMatch(/^palisade\n\d+\n[A-Za-z0-9+/]{43}=\n\n\u2014 palisade /);
    const keys = await servedKeys();
    const key = createPublicKey({ key: Buffer.from(keys[0].key, 'base64'), format: 'der', type: 'spki' });
    expect(verifyCheckpoint(reply.text, key, 'palisade').treeSize).toBeGreaterThanOrEqual(3);
  });

  it('serves consistency proofs between checkpoints, and entries with their leaf hashes', async () => {
    const keys = await servedKeys();
    const key = createPublicKey({ key: Buffer.from(keys[0].key, 'base64'), format: 'der', type: 'spki' });
    const older = verifyCheckpoint((await h.call('GET', '/-/palisade/v1/log/checkpoint')).text, key, 'palisade');
    await publish('plain-attested', '1.0.0');
    await attestations('/-/palisade/v1/attestations/plain-attested@1.0.0', 2);
    const newer = verifyCheckpoint((await h.call('GET', '/-/palisade/v1/log/checkpoint')).text, key, 'palisade');
    const proof = await h.call('GET', `/-/palisade/v1/log/consistency?from=${older.treeSize}&to=${newer.treeSize}`);
    expect(proof.status).toBe(200);
    expect(proof.json).toMatchObject({ from: older.treeSize, to: newer.treeSize });
    const hashes = (proof.json.hashes as string[]).map((x) => Buffer.from(x, 'base64'));
    expect(detectRewrite(older, newer, hashes)).toEqual({ kind: 'extends' });

    const entry = await h.call('GET', '/-/palisade/v1/log/entries/0');
    expect(entry.status).toBe(200);
    const body = entry.json as { index: number; entry: Record<string, unknown>; leafHash: string };
    expect(body.index).toBe(0);
    const bytes = Buffer.from(JSON.stringify(body.entry));
    expect(leafHash(bytes).toString('base64')).toBe(body.leafHash);
    expect(['registry-signature', undefined]).toContain(body.entry.kind);

    expect((await h.call('GET', '/-/palisade/v1/log/entries/99999')).status).toBe(404);
    expect((await h.call('GET', '/-/palisade/v1/log/entries/-1')).status).toBe(400);
    expect((await h.call('GET', `/-/palisade/v1/log/consistency?from=${newer.treeSize + 1}&to=${newer.treeSize}`)).status).toBe(400);
    expect((await h.call('GET', '/-/palisade/v1/log/consistency?from=x&to=1')).status).toBe(400);
  });
});

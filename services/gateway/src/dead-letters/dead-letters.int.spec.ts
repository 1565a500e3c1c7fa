import { randomUUID } from 'node:crypto';
import { Events, encodeMessage } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import type { ConsumerSpec, DeliveredMessage, Subscription } from '@palisade/messaging';
import { runCleanups, waitFor } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';

// The dead-letter API of the real gateway over its embedded bus: a consumer dead-letters a
// contract message, an administrator lists, shows and redrives it; other callers are refused.
const API = '/-/palisade/v1/dead-letters';

let h: GatewayHarness;
let userToken: string;
let broken = true;
const byFixed: DeliveredMessage[] = [];
const byOther: string[] = [];
const subscriptions: Subscription[] = [];
const consumer = (durable: string): ConsumerSpec => ({ durable, stream: 'DLQSPEC', filterSubject: 'dlqspec.>', maxDeliver: 3, backoffMs: [50], ackWaitMs: 2_000 });

beforeAll(async () => {
  h = await startGatewayHarness('gw_dead_letters');
  userToken = await h.createUser('dora');
  await h.bus.provision([{ name: 'DLQSPEC', subjects: ['dlqspec.>'] }]);
  subscriptions.push(
    await h.bus.consume(consumer('dlqspec_fixed'), async (m) => {
      if (broken) throw new PermanentError('KEYS_UNREADABLE', 'cannot apply this key set yet');
      byFixed.push(m);
    }),
    await h.bus.consume(consumer('dlqspec_other'), async (m) => void byOther.push(m.id)),
  );
});
afterAll(async () => {
  for (const sub of subscriptions) await sub.stop();
  await runCleanups();
});

describe('dead-letter API', () => {
  const eventId = randomUUID();
  let id = '';

  it('lists a dead letter for administrators only', async () => {
    const data = encodeMessage(Events.keysChanged.schema, { sequence: 3, keyid: 'key-3' });
    await h.bus.publish({ id: eventId, subject: 'dlqspec.keys', schema: Events.keysChanged.schema.typeName, data });
    await waitFor(async () => ((await h.call('GET', `${API}?consumer=dlqspec_fixed`, { token: h.adminToken })).json.total as number) === 1, { timeoutMs: 10_000, message: 'the dead letter listed' });
    const listed = await h.call('GET', `${API}?stream=DLQSPEC&limit=10`, { token: h.adminToken });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('no-store');
    expect(listed.json).toEqual({
      total: 1,
      deadLetters: [
        expect.objectContaining({ stream: 'DLQSPEC', consumer: 'dlqspec_fixed', subject: 'dlqspec.keys', messageId: eventId, errorCode: 'KEYS_UNREADABLE', attempts: 1, payloadSize: data.length }),
      ],
    });
    id = (listed.json.deadLetters as Array<{ id: string }>)[0].id;

    expect((await h.call('GET', API)).status).toBe(401);
    expect(await h.call('GET', API, { token: userToken })).toMatchObject({ status: 403, json: { code: 'PAL_ERR_FORBIDDEN' } });
    expect(await h.call('GET', `${API}/${id}`, { token: userToken })).toMatchObject({ status: 403, json: { code: 'PAL_ERR_FORBIDDEN' } });
    expect(await h.call('GET', `${API}?limit=5000`, { token: h.adminToken })).toMatchObject({ status: 400, json: { code: 'PAL_ERR_BAD_REQUEST' } });
    expect(await h.call('GET', `${API}?consumer=a.b`, { token: h.adminToken })).toMatchObject({ status: 400, json: { code: 'PAL_ERR_BAD_REQUEST' } });
  });

  it('shows one with its headers and its payload decoded', async () => {
    const shown = await h.call('GET', `${API}/${id}`, { token: h.adminToken });
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ id, consumer: 'dlqspec_fixed', errorMessage: 'cannot apply this key set yet', payload: { sequence: 3, keyid: 'key-3' } });
    expect((shown.json.headers as Record<string, string>)['Palisade-Original-Subject']).toBe('dlqspec.keys');
    expect(await h.call('GET', `${API}/999999999`, { token: h.adminToken })).toMatchObject({ status: 404, json: { code: 'PAL_ERR_NOT_FOUND', error: 'not found: dead letter 999999999 is unknown or was redriven already' } });
    expect(await h.call('GET', `${API}/abc`, { token: h.adminToken })).toMatchObject({ status: 400, json: { code: 'PAL_ERR_BAD_REQUEST' } });
  });

  it('redrives it to the consumer that gave up, once, and refuses everyone but a writing administrator', async () => {
    expect(await h.call('POST', `${API}/redrive`, { token: userToken, body: { ids: [id] } })).toMatchObject({ status: 403, json: { code: 'PAL_ERR_FORBIDDEN' } });
    for (const body of [{}, { ids: [] }, { ids: [id], all: true }, { all: 'yes' }, { ids: ['x'] }, { all: true, consumer: 'a b' }, { all: true, extra: 1 }]) {
      expect({ body, reply: await h.call('POST', `${API}/redrive`, { token: h.adminToken, body }) }).toMatchObject({ body, reply: { status: 400, json: { code: 'PAL_ERR_BAD_REQUEST' } } });
    }
    broken = false;
    const redriven = await h.call('POST', `${API}/redrive`, { token: h.adminToken, body: { ids: [Number(id)] } });
    expect(redriven).toMatchObject({ status: 200, json: { redriven: [expect.objectContaining({ id, messageId: eventId })], alreadyRedriven: [] } });
    await waitFor(() => byFixed.length === 1, { timeoutMs: 10_000, message: 'the replay handled' });
    expect(byFixed[0]).toMatchObject({ id: eventId, subject: 'dlqspec.keys' });
    // A marker after the replay: once the other consumer has it, it has passed the replay by.
    await h.bus.publish({ id: 'dlqspec-marker', subject: 'dlqspec.marker', schema: 'test.v1.Marker', data: new Uint8Array() });
    await waitFor(() => byOther.includes('dlqspec-marker') && byFixed.length === 2, { timeoutMs: 10_000, message: 'the marker handled' });
    expect(byOther).toEqual([eventId, 'dlqspec-marker']);

    expect(await h.call('POST', `${API}/redrive`, { token: h.adminToken, body: { ids: [id] } })).toMatchObject({ status: 404, json: { code: 'PAL_ERR_NOT_FOUND' } });
    expect(await h.call('POST', `${API}/redrive`, { token: h.adminToken, body: { all: true, consumer: 'dlqspec_fixed' } })).toMatchObject({ status: 200, json: { redriven: [], alreadyRedriven: [] } });
    expect((await h.call('GET', API, { token: h.adminToken })).json).toMatchObject({ total: 0, deadLetters: [] });
  });
});

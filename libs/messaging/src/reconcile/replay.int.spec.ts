import type { DataSource } from 'typeorm';
import { openServiceStore } from '@palisade/persistence';
import { dropSchemas, testDatabaseUrl } from '@palisade/testing';
import { EffectTable1764000000100 } from '../__fixtures__/effect-store';
import { applyOnce } from '../inbox/inbox';
import type { DeliveredMessage } from '../message';
import { MESSAGING_MIGRATIONS } from '../outbox/messaging-tables.migration';
import { addToOutbox } from '../outbox/outbox';
import { likeLiteral, publishedMessages, replayMessages, type ReplayRoute, type StoredMessage } from './replay';

// Replaying a producer's message into a consumer that may or may not have applied it: applied
// exactly when its inbox lacks the id, never twice, nothing in a dry run.
const schema = `reconcile_replay_${process.pid}`;
let ds: DataSource;

const route = (fail = false): ReplayRoute => ({
  subject: 'registry.evt.version.ingested',
  consumer: 'test.version-ingested',
  handle: (message: DeliveredMessage) =>
    applyOnce(ds, 'test.version-ingested', message, async (tx) => {
      if (fail) throw Object.assign(new Error('still broken'), { code: 'TEST_BROKEN' });
      await tx.query(`INSERT INTO "${schema}".effect (message_id, attempt) VALUES ($1, $2)`, [message.id, message.attempt]);
    }).then(() => undefined),
});

const message = (id: string): StoredMessage => ({ id, subject: 'registry.evt.version.ingested', schema: 'palisade.v1.VersionIngested', data: new Uint8Array([1, 2, 3]) });

async function effects(id: string): Promise<number> {
  const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM "${schema}".effect WHERE message_id = $1`, [id]);
  return rows[0].n;
}

beforeAll(async () => {
  ds = await openServiceStore({ url: testDatabaseUrl, schema, migrations: [...MESSAGING_MIGRATIONS, EffectTable1764000000100] });
});

afterAll(async () => {
  await ds?.destroy();
  await dropSchemas(testDatabaseUrl, schema);
});

describe('replayMessages', () => {
  it('reports a message the consumer applied as already, and applies nothing', async () => {
    await route().handle({ ...message('m-applied'), headers: {}, attempt: 1, working: () => undefined });
    expect(await replayMessages(ds, [route()], [message('m-applied')], false)).toEqual([
      { messageId: 'm-applied', subject: 'registry.evt.version.ingested', consumer: 'test.version-ingested', state: 'already' },
    ]);
    expect(await effects('m-applied')).toBe(1);
  });

  it('applies a message the consumer never got, once, however often it is replayed', async () => {
    expect((await replayMessages(ds, [route()], [message('m-lost')], true))[0].state).toBe('missing');
    expect(await effects('m-lost')).toBe(0);
    expect((await replayMessages(ds, [route()], [message('m-lost')], false))[0].state).toBe('reissued');
    expect((await replayMessages(ds, [route()], [message('m-lost')], false))[0].state).toBe('already');
    expect(await effects('m-lost')).toBe(1);
  });

  it('reports a handler that fails again with its code, and records nothing', async () => {
    const [result] = await replayMessages(ds, [route(true)], [message('m-broken')], false);
    expect(result).toMatchObject({ state: 'failed', error: 'TEST_BROKEN: still broken' });
    expect((await replayMessages(ds, [route()], [message('m-broken')], true))[0].state).toBe('missing');
  });

  it('hands a message only to the consumers of its subject', async () => {
    expect(await replayMessages(ds, [route()], [{ ...message('m-other'), subject: 'registry.evt.version.signed' }], false)).toEqual([]);
  });
});

describe('publishedMessages', () => {
  it('finds the outbox rows of a version by id pattern, oldest first, with names holding LIKE wildcards taken literally', async () => {
    await ds.transaction(async (tx) => {
      for (const id of ['scanned:a_b@1.0.0:x:1', 'scanned:axb@1.0.0:x:1', 'scanned:a_b@1.0.0:x:2']) {
        await addToOutbox(tx, { id, subject: 'registry.evt.version.scanned', schema: 'palisade.v1.VersionScanned', data: new Uint8Array([7]) });
      }
    });
    const found = await publishedMessages(ds, [`scanned:${likeLiteral('a_b@1.0.0')}:%`]);
    expect(found.map((m) => m.id)).toEqual(['scanned:a_b@1.0.0:x:1', 'scanned:a_b@1.0.0:x:2']);
    expect(found[0]).toMatchObject({ subject: 'registry.evt.version.scanned', schema: 'palisade.v1.VersionScanned', data: new Uint8Array([7]) });
  });
});
